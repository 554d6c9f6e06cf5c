//! `server healthcheck`: the container image's health check. The image has no shell or curl,
//! so the server binary asks its own liveness answer (`GET /api/health/live`) on the address
//! and port its configuration names, and exits 0 when it is 200.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use crate::config::Config;

pub fn run() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("healthcheck: {error}");
            return ExitCode::FAILURE;
        }
    };
    match probe(target(config.host, config.port)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("healthcheck: {problem}");
            ExitCode::FAILURE
        }
    }
}

/// Where to knock: the listen address, or loopback when the server listens on every address.
fn target(host: IpAddr, port: u16) -> SocketAddr {
    let host = match host {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        other => other,
    };
    SocketAddr::new(host, port)
}

fn probe(address: SocketAddr) -> Result<(), String> {
    let timeout = Duration::from_secs(3);
    let mut stream = TcpStream::connect_timeout(&address, timeout)
        .map_err(|e| format!("cannot connect to {address}: {e}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /api/health/live HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .map_err(|e| format!("cannot ask {address}: {e}"))?;
    let mut answer = Vec::new();
    stream
        .take(4096)
        .read_to_end(&mut answer)
        .map_err(|e| format!("no answer from {address}: {e}"))?;
    let status_line = String::from_utf8_lossy(&answer);
    let status_line = status_line.lines().next().unwrap_or_default();
    if status_line.split_whitespace().nth(1) == Some("200") {
        Ok(())
    } else {
        Err(format!("{address} answered '{status_line}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unspecified_listen_address_is_probed_on_loopback() {
        assert_eq!(
            target("0.0.0.0".parse().unwrap(), 3001),
            "127.0.0.1:3001".parse().unwrap()
        );
        assert_eq!(
            target("::".parse().unwrap(), 3001),
            "[::1]:3001".parse().unwrap()
        );
        assert_eq!(
            target("10.1.2.3".parse().unwrap(), 80),
            "10.1.2.3:80".parse().unwrap()
        );
    }

    #[test]
    fn a_closed_port_fails_the_probe() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        assert!(probe(address).is_err());
    }
}
