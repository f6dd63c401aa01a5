//! The stored form of an encrypted value, and what its AES-GCM tag binds.
//!
//! A sealed value is a `B`: format version (1 byte) | key id (u16 length + UTF-8) | wrapped data
//! key (u16 length + bytes) | nonce (12 bytes) | ciphertext and tag. The plaintext is the
//! attribute value the codec produced, in a compact binary form of our own (every DynamoDB
//! type, map entries sorted), so any field type can be encrypted and read back exactly.

use aws_smithy_types::Blob;

use crate::AttributeValue;

/// The version of the sealed form this client writes (and the only one it reads).
pub(crate) const VERSION: u8 = 1;
/// AES-GCM's nonce size.
pub(crate) const NONCE: usize = 12;

/// The parts of a sealed value.
pub(crate) struct Envelope<'a> {
    pub(crate) key_id: &'a str,
    pub(crate) wrapped: &'a [u8],
    pub(crate) nonce: &'a [u8],
    pub(crate) ciphertext: &'a [u8],
}

impl<'a> Envelope<'a> {
    /// The stored bytes.
    pub(crate) fn write(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            5 + self.key_id.len() + self.wrapped.len() + NONCE + self.ciphertext.len(),
        );
        out.push(VERSION);
        short(&mut out, self.key_id.as_bytes());
        short(&mut out, self.wrapped);
        out.extend_from_slice(self.nonce);
        out.extend_from_slice(self.ciphertext);
        out
    }

    /// The parts of stored `bytes`, or why they are not a sealed value.
    pub(crate) fn read(bytes: &'a [u8]) -> Result<Self, &'static str> {
        let mut at = Reader { bytes, at: 0 };
        match at.take(1)? {
            [VERSION] => {}
            _ => return Err("its format version is unknown (not a value this library sealed)"),
        }
        let key_id =
            std::str::from_utf8(at.short()?).map_err(|_| "its key id is not UTF-8 text")?;
        let wrapped = at.short()?;
        let nonce = at.take(NONCE)?;
        Ok(Self {
            key_id,
            wrapped,
            nonce,
            ciphertext: &bytes[at.at..],
        })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len());
        let end = end.ok_or("it is cut short")?;
        let taken = &self.bytes[self.at..end];
        self.at = end;
        Ok(taken)
    }

    fn short(&mut self) -> Result<&'a [u8], &'static str> {
        let len = self.take(2)?;
        self.take(usize::from(u16::from_be_bytes([len[0], len[1]])))
    }

    fn long(&mut self) -> Result<&'a [u8], &'static str> {
        let n = self.count()?;
        self.take(n)
    }

    fn count(&mut self) -> Result<usize, &'static str> {
        let len = self.take(4)?;
        Ok(u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize)
    }
}

fn short(out: &mut Vec<u8>, bytes: &[u8]) {
    // Key ids and wrapped keys are far below 64 KiB (KMS caps both near 6 KiB).
    let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&bytes[..usize::from(len)]);
}

fn long(out: &mut Vec<u8>, bytes: &[u8]) {
    // DynamoDB's 400 KB item limit keeps every value far below 4 GiB.
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// What AES-GCM authenticates besides the ciphertext: the table, the item's key attributes
/// (name and value, sorted by name), the attribute and the key id. A value moved to another
/// item, attribute or table fails its tag.
pub(crate) fn associated_data(
    table: &str,
    key: &[(&str, &AttributeValue)],
    attribute: &str,
    key_id: &str,
) -> Vec<u8> {
    let mut out = vec![VERSION];
    long(&mut out, table.as_bytes());
    out.extend_from_slice(&(key.len() as u32).to_be_bytes());
    for (name, value) in key {
        long(&mut out, name.as_bytes());
        value_into(&mut out, value);
    }
    long(&mut out, attribute.as_bytes());
    long(&mut out, key_id.as_bytes());
    out
}

/// `value` in the compact binary form that is encrypted.
pub(crate) fn plaintext(value: &AttributeValue) -> Vec<u8> {
    let mut out = Vec::new();
    value_into(&mut out, value);
    out
}

/// The value `bytes` hold, or why they do not hold one.
pub(crate) fn value(bytes: &[u8]) -> Result<AttributeValue, &'static str> {
    let mut reader = Reader { bytes, at: 0 };
    let value = read_value(&mut reader, 0)?;
    if reader.at == bytes.len() {
        Ok(value)
    } else {
        Err("it has bytes after its value")
    }
}

fn value_into(out: &mut Vec<u8>, value: &AttributeValue) {
    match value {
        AttributeValue::S(s) => tagged(out, b'S', s.as_bytes()),
        AttributeValue::N(n) => tagged(out, b'N', n.as_bytes()),
        AttributeValue::B(b) => tagged(out, b'B', b.as_ref()),
        AttributeValue::Bool(b) => out.extend_from_slice(&[b'T', u8::from(*b)]),
        AttributeValue::Null(_) => out.push(b'0'),
        AttributeValue::Ss(all) | AttributeValue::Ns(all) => {
            out.push(if matches!(value, AttributeValue::Ss(_)) {
                b's'
            } else {
                b'n'
            });
            out.extend_from_slice(&(all.len() as u32).to_be_bytes());
            for one in all {
                long(out, one.as_bytes());
            }
        }
        AttributeValue::Bs(all) => {
            out.push(b'b');
            out.extend_from_slice(&(all.len() as u32).to_be_bytes());
            for one in all {
                long(out, one.as_ref());
            }
        }
        AttributeValue::L(all) => {
            out.push(b'L');
            out.extend_from_slice(&(all.len() as u32).to_be_bytes());
            for one in all {
                value_into(out, one);
            }
        }
        AttributeValue::M(map) => {
            out.push(b'M');
            out.extend_from_slice(&(map.len() as u32).to_be_bytes());
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            for (name, one) in entries {
                long(out, name.as_bytes());
                value_into(out, one);
            }
        }
        // The codec produces none of the SDK's future variants.
        _ => out.push(b'?'),
    }
}

fn tagged(out: &mut Vec<u8>, tag: u8, bytes: &[u8]) {
    out.push(tag);
    long(out, bytes);
}

/// Nesting deeper than DynamoDB's 32 levels is not a value it stored.
const DEPTH: usize = 32;

fn read_value(at: &mut Reader<'_>, depth: usize) -> Result<AttributeValue, &'static str> {
    if depth > DEPTH {
        return Err("it nests deeper than DynamoDB allows");
    }
    let text = |bytes: &[u8]| {
        std::str::from_utf8(bytes)
            .map(str::to_owned)
            .map_err(|_| "a string in it is not UTF-8")
    };
    Ok(match at.take(1)?[0] {
        b'S' => AttributeValue::S(text(at.long()?)?),
        b'N' => AttributeValue::N(text(at.long()?)?),
        b'B' => AttributeValue::B(Blob::new(at.long()?)),
        b'T' => AttributeValue::Bool(at.take(1)?[0] != 0),
        b'0' => AttributeValue::Null(true),
        tag @ (b's' | b'n') => {
            let n = at.count()?;
            let all = (0..n)
                .map(|_| text(at.long()?))
                .collect::<Result<Vec<_>, _>>()?;
            if tag == b's' {
                AttributeValue::Ss(all)
            } else {
                AttributeValue::Ns(all)
            }
        }
        b'b' => {
            let n = at.count()?;
            AttributeValue::Bs(
                (0..n)
                    .map(|_| at.long().map(Blob::new))
                    .collect::<Result<_, _>>()?,
            )
        }
        b'L' => {
            let n = at.count()?;
            AttributeValue::L(
                (0..n)
                    .map(|_| read_value(at, depth + 1))
                    .collect::<Result<_, _>>()?,
            )
        }
        b'M' => {
            let n = at.count()?;
            let mut map = std::collections::HashMap::with_capacity(n.min(1024));
            for _ in 0..n {
                let name = text(at.long()?)?;
                map.insert(name, read_value(at, depth + 1)?);
            }
            AttributeValue::M(map)
        }
        _ => return Err("it holds an unknown type tag"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn every_type_round_trips() {
        let value = AttributeValue::M(HashMap::from([
            ("s".into(), AttributeValue::S("héllo".into())),
            ("n".into(), AttributeValue::N("-1.5E+3".into())),
            ("b".into(), AttributeValue::B(Blob::new(vec![0u8, 255]))),
            ("t".into(), AttributeValue::Bool(true)),
            ("z".into(), AttributeValue::Null(true)),
            (
                "ss".into(),
                AttributeValue::Ss(vec!["a".into(), "b".into()]),
            ),
            ("ns".into(), AttributeValue::Ns(vec!["1".into()])),
            ("bs".into(), AttributeValue::Bs(vec![Blob::new(vec![1u8])])),
            (
                "l".into(),
                AttributeValue::L(vec![
                    AttributeValue::S(String::new()),
                    AttributeValue::M(HashMap::new()),
                ]),
            ),
        ]));
        assert_eq!(super::value(&plaintext(&value)), Ok(value.clone()));
        // Deterministic: map order does not change the bytes.
        assert_eq!(plaintext(&value), plaintext(&value.clone()));
    }

    #[test]
    fn envelopes_round_trip_and_refuse_garbage() {
        let stored = Envelope {
            key_id: "alias/app",
            wrapped: &[7; 40],
            nonce: &[1; NONCE],
            ciphertext: &[9; 20],
        }
        .write();
        let read = Envelope::read(&stored).expect("readable");
        assert_eq!(read.key_id, "alias/app");
        assert_eq!(read.wrapped, &[7; 40]);
        assert_eq!(read.ciphertext, &[9; 20]);
        assert!(Envelope::read(&stored[..10]).is_err());
        assert!(Envelope::read(&[2, 0, 0]).is_err());
        assert!(super::value(&[b'S', 0, 0, 0, 9]).is_err());
    }

    #[test]
    fn associated_data_tells_items_and_attributes_apart() {
        let one = AttributeValue::S("1".into());
        let two = AttributeValue::S("2".into());
        let base = associated_data("t", &[("pk", &one)], "secret", "k");
        assert_ne!(base, associated_data("t", &[("pk", &two)], "secret", "k"));
        assert_ne!(base, associated_data("t", &[("pk", &one)], "other", "k"));
        assert_ne!(base, associated_data("u", &[("pk", &one)], "secret", "k"));
        assert_ne!(base, associated_data("t", &[("pk", &one)], "secret", "j"));
    }
}
