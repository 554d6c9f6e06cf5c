//! Random bytes from the operating system's generator (getrandom(2)) for salts, nonces, seeds
//! and shared keys. Not OpenSSL's: its first use loads OpenSSL's configuration, providers and
//! generator, about 2 MB of memory, which a server that has not touched a key yet (every
//! server at start-up, which makes its shared keys) need not pay.

/// `N` random bytes; only a broken system generator fails.
pub fn bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn draws_differ() {
        let (a, b) = (super::bytes::<16>().unwrap(), super::bytes::<16>().unwrap());
        assert_ne!(a, b);
        assert_ne!(a, [0u8; 16]);
    }
}
