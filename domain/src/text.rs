//! Rules for the free-text fields of every input (names, ids, DN parts).
//!
//! Text is trimmed and must not be blank. "Blank" is defined by one explicit character set that
//! the OpenAPI document repeats as a `pattern`, so that what the spec allows and what the server
//! accepts never drift apart (schemathesis checks both directions).

/// Whitespace as both ECMA-262 and Python regular expressions understand `\s`, spelled out.
pub fn is_blank_char(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n'
            | '\u{b}'
            | '\u{c}'
            | '\r'
            | ' '
            | '\u{1c}'..='\u{1f}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
            | '\u{feff}'
    )
}

/// JSON Schema pattern (unanchored) for "contains at least one non-blank character".
pub const NOT_BLANK_PATTERN: &str =
    r"[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]";

/// Trims blank characters from both ends.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_blank_char)
}

/// A required text: at most `max` characters as sent, not blank; returns it trimmed.
pub fn required(value: Option<&str>, max: usize) -> Result<String, String> {
    match value {
        None => Err("is required".into()),
        Some(raw) => non_blank(raw, max),
    }
}

/// An optional text: absent stays absent; present must be a valid non-blank text.
pub fn optional(value: Option<&str>, max: usize) -> Result<Option<String>, String> {
    value.map(|raw| non_blank(raw, max)).transpose()
}

fn non_blank(raw: &str, max: usize) -> Result<String, String> {
    // Length is checked as sent, before trimming, to match `maxLength` in the spec.
    let length = raw.chars().count();
    if length > max {
        return Err(format!("must be at most {max} characters (got {length})"));
    }
    let trimmed = trim(raw);
    if trimmed.is_empty() {
        return Err(if raw.is_empty() {
            "must not be empty".into()
        } else {
            "must not be blank".into()
        });
    }
    Ok(trimmed.to_owned())
}

/// Turns the empty strings of an HTML form's unfilled inputs into "absent".
pub fn blank_to_none(value: Option<String>) -> Option<String> {
    value.filter(|v| !trim(v).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_trims_and_rejects_blank() {
        assert_eq!(required(Some("  DEV \t"), 10), Ok("DEV".into()));
        assert_eq!(required(None, 10), Err("is required".into()));
        assert_eq!(required(Some(""), 10), Err("must not be empty".into()));
        assert_eq!(
            required(Some("\u{a0}\u{3000}"), 10),
            Err("must not be blank".into())
        );
        assert_eq!(
            required(Some("\u{1f}"), 10),
            Err("must not be blank".into())
        );
    }

    #[test]
    fn length_counts_characters_as_sent() {
        assert!(required(Some("ééé"), 3).is_ok());
        assert_eq!(
            required(Some(" abc"), 3),
            Err("must be at most 3 characters (got 4)".into())
        );
    }

    #[test]
    fn optional_keeps_absent_absent() {
        assert_eq!(optional(None, 5), Ok(None));
        assert_eq!(optional(Some(" x "), 5), Ok(Some("x".into())));
        assert!(optional(Some(" "), 5).is_err());
    }

    #[test]
    fn blank_form_values_become_absent() {
        assert_eq!(blank_to_none(Some("  ".into())), None);
        assert_eq!(blank_to_none(Some("a".into())), Some("a".into()));
        assert_eq!(blank_to_none(None), None);
    }
}

/// OpenAPI schemas for the text rules above, for `#[schema(schema_with = ...)]`.
#[cfg(feature = "server")]
pub mod schema {
    use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

    fn text(max: usize, nullable: bool) -> Object {
        let schema_type: SchemaType = if nullable {
            [Type::String, Type::Null].into_iter().collect()
        } else {
            Type::String.into()
        };
        ObjectBuilder::new()
            .schema_type(schema_type)
            .min_length(Some(1))
            .max_length(Some(max))
            .pattern(Some(super::NOT_BLANK_PATTERN))
            .description(Some(
                "Leading and trailing whitespace is removed; must not be blank.",
            ))
            .build()
    }

    pub fn text_512() -> Object {
        text(512, false)
    }
    pub fn text_256() -> Object {
        text(256, false)
    }
    pub fn optional_text_512() -> Object {
        text(512, true)
    }
    pub fn optional_text_128() -> Object {
        text(128, true)
    }
    pub fn optional_text_64() -> Object {
        text(64, true)
    }
}
