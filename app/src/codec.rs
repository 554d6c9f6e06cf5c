//! How server functions' answers (and their errors) cross the wire: JSON, as with server_fn's
//! own `Json`, but read in the browser through `serde_json::from_str`, the reader resources use
//! for the data a server-rendered page carries. server_fn's codec reads with `from_slice`, so
//! every type a page both loads as a resource and gets from a server function had its
//! deserializer compiled twice into the bundle, once per reader.

use serde::de::DeserializeOwned;
use serde::Serialize;
use server_fn::codec::Post;
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// JSON in the body of a `POST` answer, read as text. Server functions name it as their
/// `output`.
pub type JsonAnswer = Post<JsonText>;

pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(value).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            <serde_json::Error as serde::de::Error>::custom("the answer is not UTF-8 text")
        })?;
        serde_json::from_str(text)
    }
}
