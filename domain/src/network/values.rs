//! The values of network endpoints: IP addresses or CIDR ranges with ports, and URLs. Each
//! check returns the canonical form to store, or a message that says what to fix.
//!
//! Stricter than MCM 2020 on purpose (see `docs/compatibility.md`): IPv6 is accepted, a range
//! must not have host bits set, ports are 1–65535 with ranges low–high, at least one port and no
//! repeats, and URLs must name a host and carry no credentials.

use std::net::IpAddr;

/// The longest value a field may hold, in characters (MCM stored values in VARCHAR(1024)).
pub const MAX_URL_CHARS: usize = 1024;
/// At most this many port entries per address.
pub const MAX_PORTS: usize = 64;

/// An IPv4 or IPv6 address, or a CIDR range of either, in canonical form (`10.0.0.0/8`,
/// `2001:db8::/32`). A range whose address has bits set beyond its prefix is refused, with the
/// range that was probably meant.
pub fn check_address(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(
            "is required: an IPv4 or IPv6 address, or a CIDR range such as 10.0.0.0/24".into(),
        );
    }
    let (address, prefix) = match text.split_once('/') {
        Some((address, prefix)) => (address, Some(prefix)),
        None => (text, None),
    };
    let address: IpAddr = address.parse().map_err(|_| {
        format!("'{text}' is not an IPv4 or IPv6 address or a CIDR range (such as 192.168.0.10 or 10.0.0.0/24)")
    })?;
    let Some(prefix) = prefix else {
        return Ok(address.to_string());
    };
    let bits: u8 = if address.is_ipv4() { 32 } else { 128 };
    let prefix: u8 = prefix
        .parse()
        .ok()
        .filter(|p| *p <= bits && prefix.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            format!("'{text}': the prefix length after '/' must be a number from 0 to {bits}")
        })?;
    let network = mask(address, prefix);
    if network != address {
        return Err(format!(
            "'{text}' has host bits set; the range is {network}/{prefix}"
        ));
    }
    Ok(format!("{address}/{prefix}"))
}

fn mask(address: IpAddr, prefix: u8) -> IpAddr {
    match address {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let masked = if prefix == 0 {
                0
            } else {
                bits & (u32::MAX << (32 - prefix))
            };
            IpAddr::V4(masked.into())
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let masked = if prefix == 0 {
                0
            } else {
                bits & (u128::MAX << (128 - prefix))
            };
            IpAddr::V6(masked.into())
        }
    }
}

/// A port list: each entry a port (`443`) or an inclusive range (`8000-8080`), 1–65535, low ≤
/// high; at least one entry, none repeated. Returns the entries in canonical form (no leading
/// zeros or spaces), in the order given.
pub fn check_ports(raw: &[String]) -> Result<Vec<String>, String> {
    if raw.is_empty() {
        return Err("must list at least one port or range, such as 443 or 8000-8080".into());
    }
    if raw.len() > MAX_PORTS {
        return Err(format!(
            "must list at most {MAX_PORTS} ports or ranges (got {})",
            raw.len()
        ));
    }
    let mut canonical: Vec<String> = Vec::with_capacity(raw.len());
    for entry in raw {
        let text = entry.trim();
        let one = match text.split_once('-') {
            Some((low, high)) => {
                let (low, high) = (port(low.trim(), text)?, port(high.trim(), text)?);
                if low > high {
                    return Err(format!(
                        "'{text}': a range goes from the lower port to the higher ({high}-{low})"
                    ));
                }
                if low == high {
                    low.to_string()
                } else {
                    format!("{low}-{high}")
                }
            }
            None => port(text, text)?.to_string(),
        };
        if canonical.contains(&one) {
            return Err(format!("'{text}' is listed twice"));
        }
        canonical.push(one);
    }
    Ok(canonical)
}

/// One port as `port` reads it, for a schema: 1-65535 in at most five digits, leading zeros
/// allowed (`080`).
pub const PORT_PATTERN: &str = "(0{0,4}[1-9]|0{0,3}[1-9][0-9]|0{0,2}[1-9][0-9]{2}|0?[1-9][0-9]{3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])";

/// One entry of a port list as `check_ports` reads it, for a schema: a port or a range, with
/// optional spaces around the parts. The order of a range's ports is not a pattern's to check.
pub fn port_entry_pattern() -> String {
    format!(r"^\s*{PORT_PATTERN}(\s*-\s*{PORT_PATTERN})?\s*$")
}

fn port(digits: &str, entry: &str) -> Result<u16, String> {
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "'{entry}' is not a port (1-65535) or a range such as 8000-8080"
        ));
    }
    match digits.parse::<u32>() {
        Ok(p @ 1..=65535) => Ok(p as u16),
        _ => Err(format!("'{entry}': ports go from 1 to 65535")),
    }
}

/// An `http` or `https` URL with a host (a DNS name, an IPv4 address or a bracketed IPv6
/// address), an optional port and path, and no user name or password. Returned trimmed, with
/// the scheme and host in lower case.
pub fn check_url(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(
            "is required: an http or https URL such as https://dfsp.example.com/api".into(),
        );
    }
    // Counted as sent, before trimming, as the API document's `maxLength` counts.
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(format!("must be at most {MAX_URL_CHARS} characters"));
    }
    if let Some(c) = text.chars().find(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(c, '<' | '>' | '"' | '{' | '}' | '|' | '\\' | '^' | '`')
    }) {
        return Err(format!("must not contain {c:?}; percent-encode it"));
    }
    let (scheme, rest) = text
        .split_once("://")
        .ok_or_else(|| format!("'{text}' is not a URL; it must start with http:// or https://"))?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!(
            "must start with http:// or https:// (got {scheme}://)"
        ));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    if authority.contains('@') {
        return Err("must not contain a user name or password".into());
    }
    let (host, port) = split_host_port(authority)?;
    if let Some(port) = port {
        self::port(port, port)
            .map_err(|_| format!("the port '{port}' must be a number from 1 to 65535"))?;
    }
    let host = check_host(host)?;
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    Ok(format!("{scheme}://{host}{port}{tail}"))
}

fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), String> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or("an IPv6 host must be closed with ']'")?;
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err(format!("unexpected '{after}' after the host")),
            },
        };
    }
    Ok(match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

/// A DNS name: at most 253 characters, labels of up to 63 letters, digits, `-` (not at either
/// end) and `_`, and an optional trailing dot (an absolute name). Shared by URL hosts and the
/// PKI's host names.
pub fn is_dns_name(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && host.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

fn check_host(host: &str) -> Result<String, String> {
    if host.is_empty() {
        return Err("must name a host, such as https://dfsp.example.com".into());
    }
    if host.contains(':') {
        return host
            .parse::<std::net::Ipv6Addr>()
            .map(|ip| format!("[{ip}]"))
            .map_err(|_| format!("'{host}' is not an IPv6 address"));
    }
    if is_dns_name(host) {
        Ok(host.to_ascii_lowercase())
    } else {
        Err(format!("'{host}' is not a valid host name or IP address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ports(list: &[&str]) -> Result<Vec<String>, String> {
        check_ports(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn addresses_and_ranges_of_both_families() {
        for (raw, canonical) in [
            ("192.168.0.10", "192.168.0.10"),
            (" 10.0.0.0/8 ", "10.0.0.0/8"),
            ("0.0.0.0/0", "0.0.0.0/0"),
            ("163.10.5.24/32", "163.10.5.24/32"),
            ("2001:DB8::1", "2001:db8::1"),
            ("2001:db8:0:0::/64", "2001:db8::/64"),
        ] {
            assert_eq!(check_address(raw).as_deref(), Ok(canonical), "{raw}");
        }
    }

    #[test]
    fn bad_addresses_say_why() {
        assert_eq!(
            check_address("10.1.2.3/8"),
            Err("'10.1.2.3/8' has host bits set; the range is 10.0.0.0/8".into())
        );
        for raw in [
            "",
            "256.1.1.1",
            "1.2.3",
            "01.2.3.4",
            "1.2.3.4/33",
            "1.2.3.4/",
            "1.2.3.4/+8",
            "::1/129",
            "example.com",
            "1.2.3.4 /8",
        ] {
            assert!(check_address(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn ports_and_ranges() {
        assert_eq!(
            ports(&["443", " 8000-8080 ", "0080", "9-9"]),
            Ok(vec![
                "443".into(),
                "8000-8080".into(),
                "80".into(),
                "9".into()
            ])
        );
        assert_eq!(
            ports(&[]).unwrap_err(),
            "must list at least one port or range, such as 443 or 8000-8080"
        );
        assert_eq!(
            ports(&["8080-8000"]).unwrap_err(),
            "'8080-8000': a range goes from the lower port to the higher (8000-8080)"
        );
        assert_eq!(ports(&["443", "443"]).unwrap_err(), "'443' is listed twice");
        for bad in [
            "0", "65536", "-1", "1-", "a", "1.5", "+80", "1-2-3", "", "123456",
        ] {
            assert!(ports(&[bad]).is_err(), "{bad:?}");
        }
    }

    /// The schema's pattern for a port entry accepts what the check accepts, and a reversed
    /// range besides (a pattern cannot compare the two ports).
    #[test]
    fn the_port_pattern_agrees_with_the_check() {
        let pattern = regex::Regex::new(&port_entry_pattern()).unwrap();
        let mut samples: Vec<String> = [
            "0",
            "00000",
            "1",
            "01",
            "00001",
            "000001",
            "080",
            "65535",
            "065535",
            "65536",
            "99999",
            "6553",
            "06553",
            "8000-8080",
            "8000 - 8080",
            " 443 ",
            "1-65535",
            "0-80",
            "80-",
            "-80",
            "80-90-100",
            "8o",
            "",
            "4-065503",
            "28242-0000042832",
            "+80",
            "٣",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        samples.extend((0..=70000).step_by(7).map(|p| p.to_string()));
        for sample in samples {
            assert_eq!(
                pattern.is_match(&sample),
                check_ports(std::slice::from_ref(&sample)).is_ok(),
                "{sample:?}"
            );
        }
        assert!(pattern.is_match("8080-8000") && check_ports(&["8080-8000".into()]).is_err());
    }

    #[test]
    fn urls() {
        for (raw, canonical) in [
            ("https://dfsp.example.com", "https://dfsp.example.com"),
            (
                "HTTP://DFSP.Example.com:8443/api/v1?x=1#y",
                "http://dfsp.example.com:8443/api/v1?x=1#y",
            ),
            ("https://10.0.0.1/", "https://10.0.0.1/"),
            ("https://[2001:DB8::1]:443/p", "https://[2001:db8::1]:443/p"),
            ("https://my_host.local.", "https://my_host.local."),
        ] {
            assert_eq!(check_url(raw).as_deref(), Ok(canonical), "{raw}");
        }
        for bad in [
            "",
            "dfsp.example.com",
            "ftp://x.com",
            "https://",
            "https://user:pw@x.com",
            "https://x.com:0",
            "https://x.com:70000",
            "https://x .com",
            "https://-x.com",
            "https://x.com/a b",
            "https://[::1",
            "https://x..com",
            "javascript:alert(1)",
            "https://x.com:80:80",
        ] {
            assert!(check_url(bad).is_err(), "{bad:?}");
        }
        // The limit counts the text as sent, surrounding spaces included.
        let full = format!("https://x.com/{}", "a".repeat(MAX_URL_CHARS - 14));
        assert!(check_url(&full).is_ok());
        assert!(check_url(&format!(" {full}")).is_err());
    }
}
