//! Deserialization rules for request inputs that serde's derive does not express.

use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// For `#[serde(default, deserialize_with = "input::present")]` on an `Option<Option<T>>`:
/// tells "absent" (`None`) from "explicitly null" (`Some(None)`), as a partial update needs.
pub fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    <Option<T> as Deserialize>::deserialize(deserializer).map(Some)
}

/// For `#[serde(default, deserialize_with = "input::object")]` on an `Option<T>` where `T` is a
/// struct: accepts a JSON object or null, never an array (which serde's derive would otherwise
/// read field by field, in order).
pub fn object<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct OptionalObject<T>(PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for OptionalObject<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_map(self)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
        }
    }

    deserializer.deserialize_option(OptionalObject(PhantomData))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        a: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Outer {
        #[serde(default, deserialize_with = "super::object")]
        inner: Option<Inner>,
    }

    #[test]
    fn objects_and_null_are_accepted_arrays_are_not() {
        let parse = |json: &str| serde_json::from_str::<Outer>(json);
        assert_eq!(
            parse(r#"{"inner": {"a": "x"}}"#).unwrap().inner,
            Some(Inner {
                a: Some("x".into())
            })
        );
        assert_eq!(parse(r#"{"inner": null}"#).unwrap().inner, None);
        assert_eq!(parse("{}").unwrap().inner, None);
        let err = parse(r#"{"inner": ["x"]}"#).unwrap_err().to_string();
        assert!(err.contains("expected a JSON object or null"), "{err}");
    }
}
