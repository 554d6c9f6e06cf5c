//! Rules for the free-text fields of every input (names, ids, DN parts).
//!
//! Each field has one [`TextRule`]: its length limit, defined once and used by validation, the
//! OpenAPI schema (`maxLength` and `pattern`) and the portal's forms (`maxlength`). Text is
//! trimmed, must not be blank and must not hold control characters: ids and names end up in
//! URLs, certificate subjects and log lines, where a NUL, a line break or a bidirectional
//! override would truncate, split or disguise them. "Blank" and "control" are defined by
//! explicit character sets that the OpenAPI document repeats as a `pattern`, so what the spec
//! allows and what the server accepts never drift apart (schemathesis checks both directions).

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

/// Characters that no text field may hold: the C0 and C1 controls and DEL, the Unicode line and
/// paragraph separators, and the bidirectional formatting characters.
pub fn is_forbidden_char(c: char) -> bool {
    matches!(
        c,
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// The forbidden characters as the body of a regular-expression character class.
const FORBIDDEN_CLASS: &str =
    r"\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069";
/// The blank characters that are not already forbidden, likewise.
const OTHER_BLANK_CLASS: &str = r" \xa0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff";

/// The characters that delimit the parts of a URL or start an escape in it. An id that appears
/// in URL paths (a DFSP id) must not hold them: every client would have to encode them exactly
/// right, and a single one that does not would reach another resource or none.
pub const URL_DELIMITERS: &str = "/?#%\\";

/// The limits of one free-text field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextRule {
    /// At most this many characters (Unicode scalar values), counted as sent.
    pub max_chars: usize,
    /// ASCII characters refused besides the forbidden ones (see [`URL_DELIMITERS`]).
    pub reserved: &'static str,
}

impl TextRule {
    pub const fn new(max_chars: usize) -> Self {
        TextRule {
            max_chars,
            reserved: "",
        }
    }

    /// The same rule for text that becomes part of URL paths: it refuses [`URL_DELIMITERS`].
    pub const fn without_url_delimiters(self) -> Self {
        TextRule {
            reserved: URL_DELIMITERS,
            ..self
        }
    }

    /// JSON Schema pattern of a text this rule accepts (the length is `maxLength`'s): no
    /// forbidden or reserved character anywhere, and at least one character that is neither
    /// forbidden nor blank. Python and ECMA-262 read it alike.
    pub fn pattern(&self) -> String {
        let reserved: String = self
            .reserved
            .chars()
            .map(|c| match c {
                '\\' | ']' | '^' | '-' => format!("\\{c}"),
                c => c.to_string(),
            })
            .collect();
        let not_allowed = format!("{FORBIDDEN_CLASS}{reserved}");
        format!("^[^{not_allowed}]*[^{not_allowed}{OTHER_BLANK_CLASS}][^{not_allowed}]*$")
    }

    /// A required text: present, within the limit, no forbidden character, not blank; returns
    /// it trimmed.
    pub fn required(&self, value: Option<&str>) -> Result<String, String> {
        match value {
            None => Err("is required".into()),
            Some(raw) => self.check(raw),
        }
    }

    /// An optional text: absent stays absent; present must be a valid text.
    pub fn optional(&self, value: Option<&str>) -> Result<Option<String>, String> {
        value.map(|raw| self.check(raw)).transpose()
    }

    fn check(&self, raw: &str) -> Result<String, String> {
        // Length is checked as sent, before trimming, to match `maxLength` in the spec.
        let length = raw.chars().count();
        if length > self.max_chars {
            return Err(format!(
                "must be at most {} characters (got {length})",
                self.max_chars
            ));
        }
        if let Some(c) = raw.chars().find(|c| is_forbidden_char(*c)) {
            return Err(format!(
                "must not contain control characters (found U+{:04X})",
                c as u32
            ));
        }
        if let Some(c) = raw.chars().find(|c| self.reserved.contains(*c)) {
            let list: Vec<String> = self.reserved.chars().map(String::from).collect();
            return Err(format!(
                "must not contain '{c}': none of {} may appear, as they have a meaning in URLs",
                list.join(" ")
            ));
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
}

/// Trims blank characters from both ends.
pub fn trim(s: &str) -> &str {
    s.trim_matches(is_blank_char)
}

/// Turns the empty strings of an HTML form's unfilled inputs into "absent".
pub fn blank_to_none(value: Option<String>) -> Option<String> {
    value.filter(|v| !trim(v).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEN: TextRule = TextRule::new(10);

    #[test]
    fn required_trims_and_rejects_blank() {
        assert_eq!(TEN.required(Some("  DEV  ")), Ok("DEV".into()));
        assert_eq!(TEN.required(None), Err("is required".into()));
        assert_eq!(TEN.required(Some("")), Err("must not be empty".into()));
        assert_eq!(
            TEN.required(Some("\u{a0}\u{3000}")),
            Err("must not be blank".into())
        );
    }

    #[test]
    fn control_characters_are_refused_anywhere() {
        for bad in [
            "a\u{0}b",
            "DEV\t",
            "\nDEV",
            "a\u{7f}",
            "a\u{85}",
            "a\u{202e}b",
            "x\u{2028}",
        ] {
            let err = TEN.required(Some(bad)).unwrap_err();
            assert!(
                err.starts_with("must not contain control characters"),
                "{bad:?}: {err}"
            );
        }
        assert_eq!(
            TEN.required(Some("a\u{0}b")),
            Err("must not contain control characters (found U+0000)".into())
        );
    }

    #[test]
    fn length_counts_characters_as_sent() {
        let three = TextRule::new(3);
        assert!(three.required(Some("ééé")).is_ok());
        assert_eq!(
            three.required(Some(" abc")),
            Err("must be at most 3 characters (got 4)".into())
        );
    }

    #[test]
    fn optional_keeps_absent_absent() {
        assert_eq!(TEN.optional(None), Ok(None));
        assert_eq!(TEN.optional(Some(" x ")), Ok(Some("x".into())));
        assert!(TEN.optional(Some(" ")).is_err());
    }

    #[test]
    fn blank_form_values_become_absent() {
        assert_eq!(blank_to_none(Some("  ".into())), None);
        assert_eq!(blank_to_none(Some("a".into())), Some("a".into()));
        assert_eq!(blank_to_none(None), None);
    }

    #[test]
    fn ids_in_urls_refuse_url_delimiters() {
        let id = TextRule::new(20).without_url_delimiters();
        assert_eq!(id.required(Some("DFSP Bob")), Ok("DFSP Bob".into()));
        assert_eq!(
            id.required(Some("A/B")),
            Err(r"must not contain '/': none of / ? # % \ may appear, as they have a meaning in URLs".into())
        );
        for bad in ["a?b", "#1", "100%", r"a\b"] {
            assert!(id.required(Some(bad)).is_err(), "{bad}");
        }
        let pattern = regex::Regex::new(&id.pattern()).unwrap();
        for sample in [
            "DFSP Bob", "A/B", "a?b", "#1", "100%", r"a\b", "é-[x]^", " ", "a\u{0}",
        ] {
            assert_eq!(
                pattern.is_match(sample),
                id.required(Some(sample)).is_ok(),
                "{sample:?}"
            );
        }
    }

    /// The pattern in the OpenAPI document accepts exactly what the rule accepts.
    #[test]
    fn the_schema_pattern_agrees_with_the_rule() {
        let pattern = regex::Regex::new(&TextRule::new(100).pattern()).unwrap();
        let samples = [
            "DEV",
            " DEV ",
            "",
            " ",
            "\u{a0}",
            "a\u{0}b",
            "DFSP Bob",
            "Zé",
            "\t",
            "a\tb",
            "\u{3000}x",
            "x\u{85}",
            "\u{feff}",
            "\u{202e}abc",
            "日本",
            "a\u{7f}",
            "\u{2028}",
            "\u{200a}y",
        ];
        for sample in samples {
            assert_eq!(
                pattern.is_match(sample),
                TextRule::new(100).required(Some(sample)).is_ok(),
                "{sample:?}"
            );
        }
        // Both classes are the ones the predicates spell out.
        let forbidden_class = regex::Regex::new(&format!("^[{FORBIDDEN_CLASS}]$")).unwrap();
        let blank_class = regex::Regex::new(&format!("^[{OTHER_BLANK_CLASS}]$")).unwrap();
        for c in (0..=0x3000u32).chain([0xfeff]).filter_map(char::from_u32) {
            let in_forbidden = forbidden_class.is_match(&c.to_string());
            assert_eq!(in_forbidden, is_forbidden_char(c), "U+{:04X}", c as u32);
            let blank = blank_class.is_match(&c.to_string());
            assert_eq!(
                blank || in_forbidden,
                is_blank_char(c) || is_forbidden_char(c),
                "U+{:04X}",
                c as u32
            );
        }
    }
}

/// OpenAPI schemas for text rules, for `#[schema(schema_with = ...)]` through a small function
/// per field (`fn dfsp_id_schema() -> Object { schema::text(DFSP_ID, false) }`).
#[cfg(feature = "server")]
pub mod schema {
    use utoipa::openapi::schema::{Object, ObjectBuilder, SchemaType, Type};

    use super::TextRule;

    fn string_type(nullable: bool) -> SchemaType {
        if nullable {
            [Type::String, Type::Null].into_iter().collect()
        } else {
            Type::String.into()
        }
    }

    pub fn text(rule: TextRule, nullable: bool) -> Object {
        ObjectBuilder::new()
            .schema_type(string_type(nullable))
            .min_length(Some(1))
            .max_length(Some(rule.max_chars))
            .pattern(Some(rule.pattern()))
            .description(Some(
                "Leading and trailing whitespace is removed; must not be blank or hold control characters.",
            ))
            .build()
    }

    /// A string matching `pattern` entirely, of at most `max` characters.
    pub fn pattern(pattern: &'static str, max: usize, nullable: bool, example: &str) -> Object {
        ObjectBuilder::new()
            .schema_type(string_type(nullable))
            .max_length(Some(max))
            .pattern(Some(pattern))
            .examples([serde_json::Value::from(example)])
            .build()
    }
}
