//! Patched (see vendor/README.md): HTML escaping written straight into the page's buffer.
//!
//! 0.2.19 escapes with `html_escape`, which looks at one byte at a time and hands back a
//! `Cow` that is then copied into the buffer. Nearly every value on a page needs no escaping
//! (Tailwind's class lists, hrefs, ids), so on x86_64 these look at sixteen bytes at a time
//! for a byte that does (SSE2, which every x86_64 processor has) and copy the runs between
//! such bytes into the buffer; elsewhere they look at one byte at a time. The output is the
//! same as `html_escape`'s `encode_double_quoted_attribute` and `encode_text`.

/// The bytes escaped inside a double-quoted attribute value.
const IN_ATTRIBUTE: [u8; 4] = [b'&', b'<', b'>', b'"'];

/// The bytes escaped in text.
const IN_TEXT: [u8; 3] = [b'&', b'<', b'>'];

/// The index of the first byte of `bytes` that is one of `special`.
#[inline(always)]
fn first_special<const N: usize>(bytes: &[u8], special: [u8; N]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8,
            _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128,
        };
        const LANES: usize = 16;
        /// One bit for each of the sixteen bytes at `from` that is one of `special`.
        ///
        /// SAFETY: the caller makes sure that sixteen bytes can be read from `from`.
        #[inline(always)]
        unsafe fn special_bits<const N: usize>(from: *const u8, special: [u8; N]) -> u32 {
            // SAFETY: SSE2 is part of every x86_64 processor (the target's baseline); the
            // caller vouches for the sixteen bytes.
            unsafe {
                let chunk = _mm_loadu_si128(from.cast::<__m128i>());
                let mut hits = _mm_setzero_si128();
                for byte in special {
                    hits = _mm_or_si128(
                        hits,
                        _mm_cmpeq_epi8(chunk, _mm_set1_epi8(byte as i8)),
                    );
                }
                _mm_movemask_epi8(hits) as u32
            }
        }
        let len = bytes.len();
        if len < LANES {
            // A short value (most hrefs, ids, names) is looked at once, in a copy padded
            // with zeros, which are never special.
            let mut padded = [0u8; LANES];
            padded[..len].copy_from_slice(bytes);
            // SAFETY: `padded` holds sixteen bytes.
            let bits = unsafe { special_bits(padded.as_ptr(), special) };
            return (bits != 0).then(|| bits.trailing_zeros() as usize);
        }
        let mut offset = 0;
        while offset + LANES <= len {
            // SAFETY: `offset + 16 <= len`.
            let bits = unsafe { special_bits(bytes.as_ptr().add(offset), special) };
            if bits != 0 {
                return Some(offset + bits.trailing_zeros() as usize);
            }
            offset += LANES;
        }
        if offset < len {
            // The last sixteen bytes, of which the first were looked at already and had
            // nothing special.
            let start = len - LANES;
            // SAFETY: `len >= 16`, so `start..len` lies inside `bytes`.
            let bits = unsafe { special_bits(bytes.as_ptr().add(start), special) };
            return (bits != 0).then(|| start + bits.trailing_zeros() as usize);
        }
        None
    }
    #[cfg(not(target_arch = "x86_64"))]
    bytes.iter().position(|byte| special.contains(byte))
}

#[inline(always)]
fn push_escaped<const N: usize>(buf: &mut String, value: &str, special: [u8; N]) {
    let bytes = value.as_bytes();
    let mut start = 0;
    while let Some(found) = first_special(&bytes[start..], special) {
        let at = start + found;
        // `at` is an ASCII byte, so both slices lie on character boundaries.
        buf.push_str(&value[start..at]);
        buf.push_str(match bytes[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        start = at + 1;
    }
    buf.push_str(&value[start..]);
}

/// Appends `value` to `buf`, escaped for a double-quoted attribute value.
pub(crate) fn push_attribute_value(buf: &mut String, value: &str) {
    push_escaped(buf, value, IN_ATTRIBUTE)
}

/// Appends `value` to `buf`, escaped as text.
pub(crate) fn push_text(buf: &mut String, value: &str) {
    push_escaped(buf, value, IN_TEXT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<String> {
        let mut samples: Vec<String> = [
            "",
            "a",
            "&",
            "\"",
            "<>",
            "flex items-center gap-2 text-base font-semibold tracking-tight",
            "[&::-webkit-details-marker]:hidden",
            "Delete \"DEV\"? <b>It cannot be undone</b> & that's final",
            "ünïcödé & ✓ \"quoted\" <tag> — 1234567890123456&",
            "0123456789abcdef&0123456789abcdef\"",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every special byte at every position of strings around the chunk size.
        for len in 0..40 {
            for at in 0..len {
                for special in ['&', '<', '>', '"', '\''] {
                    let mut s: String = "x".repeat(len);
                    s.replace_range(at..at + 1, &special.to_string());
                    samples.push(s);
                }
            }
        }
        samples
    }

    #[test]
    fn attribute_values_are_escaped_as_html_escape_does() {
        for sample in samples() {
            let mut buf = String::from("prefix ");
            push_attribute_value(&mut buf, &sample);
            let expected = format!(
                "prefix {}",
                html_escape::encode_double_quoted_attribute(&sample)
            );
            assert_eq!(buf, expected, "{sample:?}");
        }
    }

    #[test]
    fn text_is_escaped_as_html_escape_does() {
        for sample in samples() {
            let mut buf = String::new();
            push_text(&mut buf, &sample);
            assert_eq!(buf, html_escape::encode_text(&sample), "{sample:?}");
        }
    }
}
