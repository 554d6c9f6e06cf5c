//! Certificate revocation lists (RFC 5280, section 5), made in-process: a v2 CRL signed by the
//! issuing CA, with the authority key identifier and CRL number extensions, one entry per
//! revoked certificate with its reason code (left out for `unspecified`, as RFC 5280 asks).
//!
//! The openssl crate reads CRLs but does not build them, so the list is encoded here in DER
//! (a handful of ASN.1 types) and signed with the CA's key through openssl.

use openssl::hash::MessageDigest;
use openssl::pkey::{Id, PKey, Private};
use openssl::sign::Signer;
use openssl::x509::X509;
use time::OffsetDateTime;

use super::ca::{first_reason, CaError};
use super::revocations::RevocationReason;

/// One revoked certificate: its serial number (big-endian magnitude), when, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevokedEntry {
    pub serial: Vec<u8>,
    pub revoked_at: OffsetDateTime,
    pub reason: RevocationReason,
}

/// What a CRL says besides its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlParameters {
    /// The CRL number: greater than every number the CA used before.
    pub number: u64,
    pub this_update: OffsetDateTime,
    pub next_update: OffsetDateTime,
}

/// The CRL of `issuer` (the CA's certificate, DER) listing `revoked`, signed with `issuer_key`;
/// DER.
pub fn make_crl(
    issuer: &[u8],
    issuer_key: &PKey<Private>,
    parameters: &CrlParameters,
    revoked: &[RevokedEntry],
) -> Result<Vec<u8>, CaError> {
    let engine = |e: openssl::error::ErrorStack| CaError::Engine(first_reason(&e));
    let issuer = X509::from_der(issuer).map_err(engine)?;
    let key_id = issuer
        .subject_key_id()
        .map(|id| id.as_slice().to_vec())
        .ok_or_else(|| {
            CaError::Engine("the CA has no subject key identifier to name in its CRL".into())
        })?;
    let (digest, algorithm) = signature_algorithm(issuer_key)?;

    let mut entries = Vec::new();
    for entry in revoked {
        let mut fields = integer(&entry.serial);
        fields.extend(time(entry.revoked_at)?);
        if entry.reason != RevocationReason::Unspecified {
            // reasonCode, not critical: ENUMERATED.
            let reason = tlv(0x0a, &[entry.reason.code()]);
            fields.extend(sequence(&[extension(OID_REASON_CODE, &reason)].concat()));
        }
        entries.extend(sequence(&fields));
    }
    // authorityKeyIdentifier: SEQUENCE { [0] keyIdentifier }; cRLNumber: INTEGER.
    let authority_key_id = sequence(&tlv(0x80, &key_id));
    let number = integer(&parameters.number.to_be_bytes());
    let extensions = sequence(
        &[
            extension(OID_AUTHORITY_KEY_IDENTIFIER, &authority_key_id),
            extension(OID_CRL_NUMBER, &number),
        ]
        .concat(),
    );

    let mut tbs = integer(&[1]); // v2
    tbs.extend(&algorithm);
    tbs.extend(issuer.subject_name().to_der().map_err(engine)?);
    tbs.extend(time(parameters.this_update)?);
    tbs.extend(time(parameters.next_update)?);
    if !entries.is_empty() {
        tbs.extend(sequence(&entries));
    }
    tbs.extend(tlv(0xa0, &extensions));
    let tbs = sequence(&tbs);

    let mut signer = Signer::new(digest, issuer_key).map_err(engine)?;
    signer.update(&tbs).map_err(engine)?;
    let signature = signer.sign_to_vec().map_err(engine)?;
    let mut bits = vec![0u8]; // no unused bits
    bits.extend(signature);
    Ok(sequence(&[tbs, algorithm, tlv(0x03, &bits)].concat()))
}

/// The value of a CRL distribution points extension (RFC 5280, 4.2.1.13) naming one CRL at
/// `url`: `SEQUENCE { DistributionPoint { [0] { [0] fullName { [6] uri } } } }`.
pub fn distribution_points(url: &str) -> Vec<u8> {
    let uri = tlv(0x86, url.as_bytes());
    let full_name = tlv(0xa0, &uri);
    let point_name = tlv(0xa0, &full_name);
    sequence(&sequence(&point_name))
}

const OID_AUTHORITY_KEY_IDENTIFIER: &[u8] = &[0x55, 0x1d, 0x23]; // 2.5.29.35
const OID_CRL_NUMBER: &[u8] = &[0x55, 0x1d, 0x14]; // 2.5.29.20
const OID_REASON_CODE: &[u8] = &[0x55, 0x1d, 0x15]; // 2.5.29.21

/// The digest for the CA's key and the `AlgorithmIdentifier` of the signature it makes: ECDSA
/// with the digest that matches the curve, RSA with SHA-256.
fn signature_algorithm(key: &PKey<Private>) -> Result<(MessageDigest, Vec<u8>), CaError> {
    // ecdsa-with-SHA256/384/512 (1.2.840.10045.4.3.2-4), no parameters.
    let ecdsa = |last: u8| {
        sequence(&tlv(
            0x06,
            &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, last],
        ))
    };
    match key.id() {
        Id::EC => Ok(match key.bits() {
            bits if bits > 384 => (MessageDigest::sha512(), ecdsa(0x04)),
            bits if bits > 256 => (MessageDigest::sha384(), ecdsa(0x03)),
            _ => (MessageDigest::sha256(), ecdsa(0x02)),
        }),
        // sha256WithRSAEncryption (1.2.840.113549.1.1.11) with NULL parameters.
        Id::RSA => {
            let oid = tlv(
                0x06,
                &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
            );
            Ok((
                MessageDigest::sha256(),
                sequence(&[oid, vec![0x05, 0x00]].concat()),
            ))
        }
        _ => Err(CaError::Engine(
            "the CA's key is neither RSA nor EC, so it cannot sign a CRL".into(),
        )),
    }
}

/// An extension that is not critical: SEQUENCE { extnID, extnValue OCTET STRING }.
fn extension(oid: &[u8], value: &[u8]) -> Vec<u8> {
    sequence(&[tlv(0x06, oid), tlv(0x04, value)].concat())
}

fn sequence(content: &[u8]) -> Vec<u8> {
    tlv(0x30, content)
}

/// A non-negative INTEGER from its big-endian magnitude, in the fewest octets.
fn integer(magnitude: &[u8]) -> Vec<u8> {
    let start = magnitude
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(magnitude.len().saturating_sub(1));
    let mut content = magnitude[start..].to_vec();
    if content.is_empty() {
        content.push(0);
    }
    if content[0] & 0x80 != 0 {
        content.insert(0, 0);
    }
    tlv(0x02, &content)
}

/// RFC 5280's `Time`: UTCTime through 2049, GeneralizedTime from 2050, in UTC to the second.
fn time(at: OffsetDateTime) -> Result<Vec<u8>, CaError> {
    let at = at.to_offset(time::UtcOffset::UTC);
    let (tag, year) = match at.year() {
        1950..=2049 => (0x17, format!("{:02}", at.year() % 100)),
        2050..=9999 => (0x18, format!("{:04}", at.year())),
        year => {
            return Err(CaError::Engine(format!(
                "the year {year} cannot be in a CRL"
            )))
        }
    };
    let text = format!(
        "{year}{:02}{:02}{:02}{:02}{:02}Z",
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    Ok(tlv(tag, text.as_bytes()))
}

/// Tag, definite length, content.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let length = content.len();
    if length < 0x80 {
        out.push(length as u8);
    } else {
        let bytes = length.to_be_bytes();
        let first = bytes
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - first) as u8);
        out.extend(&bytes[first..]);
    }
    out.extend(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::x509::X509Crl;
    use time::macros::datetime;
    use x509_parser::prelude::FromDer;

    #[test]
    fn integers_and_lengths_are_minimal_der() {
        assert_eq!(integer(&[0, 0, 5]), [0x02, 0x01, 0x05]);
        assert_eq!(integer(&[0x80]), [0x02, 0x02, 0x00, 0x80]);
        assert_eq!(integer(&[0, 0]), [0x02, 0x01, 0x00]);
        assert_eq!(integer(&7u64.to_be_bytes()), [0x02, 0x01, 0x07]);
        assert_eq!(tlv(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(tlv(0x04, &[0; 300])[..4], [0x04, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn times_switch_to_generalized_in_2050() {
        assert_eq!(
            time(datetime!(2026-11-28 09:30:05 UTC)).unwrap(),
            tlv(0x17, b"261128093005Z")
        );
        assert_eq!(
            time(datetime!(2050-01-01 00:00:00 UTC)).unwrap(),
            tlv(0x18, b"20500101000000Z")
        );
    }

    /// A self-signed CA for `key` that may sign CRLs.
    fn ca_of(key: &PKey<Private>) -> X509 {
        let mut spec = crate::pki::testing::Spec::new("CRL Test CA");
        spec.ca = true;
        spec.key_cert_sign = true;
        spec.subject_key_identifier = true;
        spec.key = Some(key.clone());
        spec.issue(None).cert
    }

    fn signed_by(key: PKey<Private>) {
        let ca = ca_of(&key);
        let parameters = CrlParameters {
            number: 300,
            this_update: datetime!(2026-11-28 09:30:00 UTC),
            next_update: datetime!(2026-12-05 09:30:00 UTC),
        };
        let revoked = [
            RevokedEntry {
                serial: vec![0x8f, 0x01, 0x02],
                revoked_at: datetime!(2026-11-28 09:00:00 UTC),
                reason: RevocationReason::KeyCompromise,
            },
            RevokedEntry {
                serial: vec![0x00, 0x11],
                revoked_at: datetime!(2026-11-27 09:00:00 UTC),
                reason: RevocationReason::Unspecified,
            },
        ];
        let der = make_crl(&ca.to_der().unwrap(), &key, &parameters, &revoked).unwrap();
        let crl = X509Crl::from_der(&der).expect("openssl reads the CRL");
        assert!(
            crl.verify(&ca.public_key().unwrap()).unwrap(),
            "the CA's signature verifies"
        );
        assert_eq!(
            crl.issuer_name().to_der().unwrap(),
            ca.subject_name().to_der().unwrap()
        );
        let entries = crl.get_revoked().expect("entries");
        let serials: Vec<Vec<u8>> = entries
            .iter()
            .map(|e| e.serial_number().to_bn().unwrap().to_vec())
            .collect();
        assert_eq!(serials, [vec![0x8f, 0x01, 0x02], vec![0x11]]);
        let text = String::from_utf8(
            openssl::x509::X509Crl::from_der(&der)
                .unwrap()
                .to_pem()
                .unwrap(),
        )
        .unwrap();
        assert!(text.starts_with("-----BEGIN X509 CRL-----"));
        // x509-parser reads the extensions back.
        let (_, parsed) =
            x509_parser::revocation_list::CertificateRevocationList::from_der(&der).unwrap();
        assert_eq!(
            parsed.crl_number().map(|n| n.to_string()),
            Some("300".into())
        );
        assert_eq!(parsed.version(), Some(x509_parser::x509::X509Version::V2));
        let first = parsed.iter_revoked_certificates().next().unwrap();
        assert_eq!(first.reason_code().map(|(_, r)| r.0), Some(1));
        let second = parsed.iter_revoked_certificates().nth(1).unwrap();
        assert!(second.reason_code().is_none(), "unspecified is left out");
        assert!(parsed
            .extensions()
            .iter()
            .any(|e| e.oid.to_id_string() == "2.5.29.35"));
    }

    #[test]
    fn a_crl_signed_by_an_ec_or_rsa_ca_verifies_and_reads_back() {
        for curve in [
            openssl::nid::Nid::X9_62_PRIME256V1,
            openssl::nid::Nid::SECP384R1,
        ] {
            let group = openssl::ec::EcGroup::from_curve_name(curve).unwrap();
            signed_by(PKey::from_ec_key(openssl::ec::EcKey::generate(&group).unwrap()).unwrap());
        }
        signed_by(PKey::from_rsa(openssl::rsa::Rsa::generate(2048).unwrap()).unwrap());
    }

    #[test]
    fn an_empty_crl_has_no_entries_field() {
        let group =
            openssl::ec::EcGroup::from_curve_name(openssl::nid::Nid::X9_62_PRIME256V1).unwrap();
        let key = PKey::from_ec_key(openssl::ec::EcKey::generate(&group).unwrap()).unwrap();
        let ca = ca_of(&key);
        let parameters = CrlParameters {
            number: 1,
            this_update: datetime!(2026-11-28 09:30:00 UTC),
            next_update: datetime!(2026-12-05 09:30:00 UTC),
        };
        let der = make_crl(&ca.to_der().unwrap(), &key, &parameters, &[]).unwrap();
        let crl = X509Crl::from_der(&der).unwrap();
        assert!(crl.get_revoked().is_none());
        assert!(crl.verify(&ca.public_key().unwrap()).unwrap());
    }
}
