//! Private keys: generated in-process, and sealed before they are stored.
//!
//! A sealed key is the key's PKCS#8 DER encrypted with AES-256-GCM under a key derived from
//! `P12_PASS_PHRASE` and a random salt by scrypt, with a fresh random nonce per seal:
//! `CMK1 | salt (16) | nonce (12) | ciphertext | tag (16)`. GCM authenticates the whole, so a
//! wrong pass phrase or a damaged key is detected, never silently turned into another key.
//! Keys and the pass phrase never appear in a message, a log line or a `Debug` output.
//!
//! scrypt is slow by design (about 65 ms here), so a process derives once per salt: it seals
//! everything under one salt of its own, drawn at start, and remembers the keys it derived for
//! the salts it opened. Each record still carries its salt, so records sealed by any process
//! (or before this) open alike; the nonce, random per seal, keeps every encryption apart.

use openssl::ec::{EcGroup, EcKey};
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::symm::{decrypt_aead, encrypt_aead, Cipher};

const MAGIC: &[u8; 4] = b"CMK1";
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
/// scrypt cost: 2^15 rounds of 8 blocks, 32 MiB of memory, about 0.1 s; a guess of the pass
/// phrase costs an attacker as much.
const SCRYPT_N: u64 = 1 << 15;
const SCRYPT_R: u64 = 8;
const SCRYPT_P: u64 = 1;
const SCRYPT_MAX_MEMORY: u64 = 64 * 1024 * 1024;

/// The pass phrase that seals private keys (`P12_PASS_PHRASE`), with the sealing keys derived
/// from it so far (shared by its clones). Its `Debug` hides it.
#[derive(Clone)]
pub struct Passphrase(std::sync::Arc<PassphraseInner>);

struct PassphraseInner {
    text: String,
    /// The salt this process seals under.
    salt: [u8; SALT_LEN],
    /// Sealing keys by salt, at most [`DERIVED_CAPACITY`].
    derived: std::sync::Mutex<std::collections::HashMap<[u8; SALT_LEN], [u8; 32]>>,
    /// How many times scrypt ran, for the tests.
    #[cfg(test)]
    derivations: std::sync::atomic::AtomicUsize,
}

/// More salts than this means records from very many processes; remembering them all is not
/// worth the memory.
const DERIVED_CAPACITY: usize = 256;

impl Passphrase {
    /// `None` for an empty pass phrase: it would protect nothing.
    pub fn new(text: impl Into<String>) -> Option<Self> {
        let text = text.into();
        if text.is_empty() {
            return None;
        }
        // Only a broken system random generator fails here; sealing would fail on it too.
        let salt = crate::random::bytes::<SALT_LEN>().ok()?;
        Some(Passphrase(std::sync::Arc::new(PassphraseInner {
            text,
            salt,
            derived: Default::default(),
            #[cfg(test)]
            derivations: Default::default(),
        })))
    }

    /// The sealing key of `salt`: derived by scrypt the first time, remembered after.
    fn sealing_key(&self, salt: &[u8]) -> Result<[u8; 32], openssl::error::ErrorStack> {
        let salt: [u8; SALT_LEN] = salt.try_into().expect("salts are SALT_LEN bytes");
        if let Some(key) = self.derived().get(&salt) {
            return Ok(*key);
        }
        let key = derive(&self.0.text, &salt)?;
        #[cfg(test)]
        self.0
            .derivations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut derived = self.derived();
        if derived.len() >= DERIVED_CAPACITY {
            derived.clear();
        }
        derived.insert(salt, key);
        Ok(key)
    }

    fn derived(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<[u8; SALT_LEN], [u8; 32]>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.0
            .derived
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(hidden)")
    }
}

/// The kinds of key the engine makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    Rsa(u32),
    Ecdsa(EcCurve),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EcCurve {
    P256,
    P384,
}

impl KeySpec {
    /// MCM's `{algo, size}`: `rsa` with 2048, 3072 or 4096 bits, `ecdsa` with 256 or 384.
    pub fn from_request(algo: &str, size: u32) -> Result<KeySpec, String> {
        match (algo, size) {
            ("rsa", 2048 | 3072 | 4096) => Ok(KeySpec::Rsa(size)),
            ("rsa", _) => Err(format!(
                "an RSA key has 2048, 3072 or 4096 bits (got {size})"
            )),
            ("ecdsa", 256) => Ok(KeySpec::Ecdsa(EcCurve::P256)),
            ("ecdsa", 384) => Ok(KeySpec::Ecdsa(EcCurve::P384)),
            ("ecdsa", _) => Err(format!(
                "an ECDSA key has 256 (P-256) or 384 (P-384) bits (got {size})"
            )),
            (other, _) => Err(format!("the key algorithm is rsa or ecdsa (got '{other}')")),
        }
    }

    /// A new key. Slow for RSA (RSA-4096: a few hundred milliseconds on two threads): call it
    /// off the async executor.
    pub fn generate(self) -> Result<PKey<Private>, KeyError> {
        let key = match self {
            KeySpec::Rsa(bits) => super::rsa_keygen::generate(bits),
            KeySpec::Ecdsa(curve) => {
                let nid = match curve {
                    EcCurve::P256 => Nid::X9_62_PRIME256V1,
                    EcCurve::P384 => Nid::SECP384R1,
                };
                EcGroup::from_curve_name(nid)
                    .and_then(|group| EcKey::generate(&group))
                    .and_then(PKey::from_ec_key)
            }
        };
        key.map_err(|_| KeyError::Generate)
    }
}

/// Why a key could not be made, sealed or opened. The messages name no key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("a private key could not be generated")]
    Generate,
    #[error("the private key could not be sealed")]
    Seal,
    #[error("the stored private key is not one this server sealed, or it is damaged")]
    Malformed,
    #[error(
        "the stored private key does not open with P12_PASS_PHRASE: it was sealed with another pass phrase, or it is damaged"
    )]
    WrongPassphrase,
}

/// The key, sealed under `passphrase` for storage.
pub fn seal(key: &PKey<Private>, passphrase: &Passphrase) -> Result<Vec<u8>, KeyError> {
    let plain = key.private_key_to_pkcs8().map_err(|_| KeyError::Seal)?;
    seal_bytes(&plain, passphrase)
}

/// Any secret (a key's PKCS#8, a one-time-code seed), sealed under `passphrase` for storage:
/// AES-256-GCM under a key derived with scrypt from the pass phrase and the process's salt,
/// with a random nonce.
pub fn seal_bytes(plain: &[u8], passphrase: &Passphrase) -> Result<Vec<u8>, KeyError> {
    let salt = passphrase.0.salt;
    let nonce = crate::random::bytes::<NONCE_LEN>().map_err(|_| KeyError::Seal)?;
    let secret = passphrase.sealing_key(&salt).map_err(|_| KeyError::Seal)?;
    let mut tag = [0u8; TAG_LEN];
    let sealed = encrypt_aead(
        Cipher::aes_256_gcm(),
        &secret,
        Some(&nonce),
        MAGIC,
        plain,
        &mut tag,
    )
    .map_err(|_| KeyError::Seal)?;
    let mut out = Vec::with_capacity(MAGIC.len() + SALT_LEN + NONCE_LEN + sealed.len() + TAG_LEN);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&salt);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out.extend_from_slice(&tag);
    Ok(out)
}

/// A key [`seal`]ed under `passphrase`.
pub fn open(sealed: &[u8], passphrase: &Passphrase) -> Result<PKey<Private>, KeyError> {
    let plain = open_bytes(sealed, passphrase)?;
    PKey::private_key_from_pkcs8(&plain).map_err(|_| KeyError::Malformed)
}

/// Keys opened before, by their sealed form: opening one decrypts and parses it (and, the first
/// time for its salt, runs scrypt), which a CA that signs many CSRs need not repeat.
/// Keyed by the sealed bytes themselves, as read from the database at each use, so a cached key
/// is always the one stored (a sealed key never changes; replicas cannot make it stale). At most
/// [`OpenedKeys::CAPACITY`] keys are kept.
#[derive(Clone, Default)]
pub struct OpenedKeys(
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<Vec<u8>, PKey<Private>>>>,
);

impl OpenedKeys {
    pub const CAPACITY: usize = 64;

    pub fn open(&self, sealed: &[u8], passphrase: &Passphrase) -> Result<PKey<Private>, KeyError> {
        if let Some(key) = self.lock().get(sealed) {
            return Ok(key.clone());
        }
        let key = open(sealed, passphrase)?;
        let mut keys = self.lock();
        if keys.len() >= Self::CAPACITY {
            keys.clear();
        }
        keys.insert(sealed.to_vec(), key.clone());
        Ok(key)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<Vec<u8>, PKey<Private>>> {
        // A panic while holding the lock leaves a map that is still consistent.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A secret [`seal_bytes`]ed under `passphrase`.
pub fn open_bytes(sealed: &[u8], passphrase: &Passphrase) -> Result<Vec<u8>, KeyError> {
    let header = MAGIC.len() + SALT_LEN + NONCE_LEN;
    if sealed.len() < header + TAG_LEN || !sealed.starts_with(MAGIC) {
        return Err(KeyError::Malformed);
    }
    let salt = &sealed[MAGIC.len()..MAGIC.len() + SALT_LEN];
    let nonce = &sealed[MAGIC.len() + SALT_LEN..header];
    let (body, tag) = sealed[header..].split_at(sealed.len() - header - TAG_LEN);
    let secret = passphrase
        .sealing_key(salt)
        .map_err(|_| KeyError::Malformed)?;
    decrypt_aead(
        Cipher::aes_256_gcm(),
        &secret,
        Some(nonce),
        MAGIC,
        body,
        tag,
    )
    .map_err(|_| KeyError::WrongPassphrase)
}

fn derive(passphrase: &str, salt: &[u8]) -> Result<[u8; 32], openssl::error::ErrorStack> {
    let mut secret = [0u8; 32];
    openssl::pkcs5::scrypt(
        passphrase.as_bytes(),
        salt,
        SCRYPT_N,
        SCRYPT_R,
        SCRYPT_P,
        SCRYPT_MAX_MEMORY,
        &mut secret,
    )?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(text: &str) -> Passphrase {
        Passphrase::new(text).unwrap()
    }

    #[test]
    fn a_sealed_key_opens_with_its_pass_phrase_only() {
        for spec in [KeySpec::Rsa(2048), KeySpec::Ecdsa(EcCurve::P384)] {
            let key = spec.generate().unwrap();
            let sealed = seal(&key, &pass("so secret")).unwrap();
            let plain = key.private_key_to_pkcs8().unwrap();
            assert!(
                !sealed
                    .windows(32)
                    .any(|w| plain.windows(32).any(|p| p == w)),
                "no part of the key is stored in clear"
            );
            let opened = open(&sealed, &pass("so secret")).unwrap();
            assert!(opened.public_eq(&key));
            assert_eq!(
                open(&sealed, &pass("so secret!")).unwrap_err(),
                KeyError::WrongPassphrase
            );
        }
    }

    #[test]
    fn opened_keys_are_kept_by_their_sealed_form_and_failures_are_not() {
        let passphrase = pass("kept");
        let keys = OpenedKeys::default();
        let key = KeySpec::Ecdsa(EcCurve::P256).generate().unwrap();
        let sealed = seal(&key, &passphrase).unwrap();
        assert!(keys.open(&sealed, &passphrase).unwrap().public_eq(&key));
        assert!(keys.open(&sealed, &passphrase).unwrap().public_eq(&key));
        assert_eq!(keys.lock().len(), 1);
        let mut damaged = sealed.clone();
        damaged[30] ^= 1;
        assert!(keys.open(&damaged, &passphrase).is_err());
        assert_eq!(keys.lock().len(), 1, "a key that did not open is not kept");
        // Another sealed key is another entry, up to the capacity.
        let other = seal(&key, &passphrase).unwrap();
        keys.open(&other, &passphrase).unwrap();
        assert_eq!(keys.lock().len(), 2);
    }

    #[test]
    fn two_seals_of_one_key_differ_and_damage_is_detected() {
        let key = KeySpec::Ecdsa(EcCurve::P256).generate().unwrap();
        let passphrase = pass("p");
        let (a, b) = (
            seal(&key, &passphrase).unwrap(),
            seal(&key, &passphrase).unwrap(),
        );
        assert_ne!(a, b, "a fresh nonce per seal");
        for i in [0, 5, 20, 30, a.len() / 2, a.len() - 1] {
            let mut damaged = a.clone();
            damaged[i] ^= 0x10;
            assert!(open(&damaged, &passphrase).is_err(), "byte {i}");
        }
        assert_eq!(open(b"", &passphrase).unwrap_err(), KeyError::Malformed);
        assert_eq!(
            open(&a[..40], &passphrase).unwrap_err(),
            KeyError::Malformed
        );
    }

    #[test]
    fn a_process_derives_its_sealing_key_once_and_opens_records_of_other_processes() {
        let derivations =
            |p: &Passphrase| p.0.derivations.load(std::sync::atomic::Ordering::Relaxed);
        let ours = pass("shared");
        let secrets: Vec<Vec<u8>> = (0..5)
            .map(|i| seal_bytes(&[i; 40], &ours).unwrap())
            .collect();
        for (i, sealed) in secrets.iter().enumerate() {
            assert_eq!(open_bytes(sealed, &ours).unwrap(), vec![i as u8; 40]);
        }
        assert_eq!(derivations(&ours), 1, "five seals and opens, one scrypt");
        // Another process (another salt, the same pass phrase) opens them, deriving once too,
        // and its own records open here: a clone shares what was derived.
        let theirs = pass("shared");
        assert_ne!(ours.0.salt, theirs.0.salt);
        for sealed in &secrets {
            open_bytes(sealed, &theirs).unwrap();
        }
        let from_them = seal_bytes(b"theirs", &theirs).unwrap();
        assert_eq!(derivations(&theirs), 2);
        let clone = ours.clone();
        assert_eq!(open_bytes(&from_them, &clone).unwrap(), b"theirs");
        assert_eq!(derivations(&ours), 2);
        // Another pass phrase derives another key: nothing opens.
        assert_eq!(
            open_bytes(&secrets[0], &pass("other")).unwrap_err(),
            KeyError::WrongPassphrase
        );
    }

    #[test]
    fn key_requests_follow_mcm_and_refuse_the_rest() {
        assert_eq!(KeySpec::from_request("rsa", 4096), Ok(KeySpec::Rsa(4096)));
        assert_eq!(
            KeySpec::from_request("ecdsa", 256),
            Ok(KeySpec::Ecdsa(EcCurve::P256))
        );
        assert!(KeySpec::from_request("rsa", 1024)
            .unwrap_err()
            .contains("2048, 3072 or 4096"));
        assert!(KeySpec::from_request("ecdsa", 521).is_err());
        assert!(KeySpec::from_request("dsa", 2048)
            .unwrap_err()
            .contains("rsa or ecdsa"));
    }

    #[test]
    fn the_pass_phrase_is_never_printed() {
        assert_eq!(format!("{:?}", pass("hunter2")), "Passphrase(hidden)");
        assert!(Passphrase::new("").is_none());
    }
}
