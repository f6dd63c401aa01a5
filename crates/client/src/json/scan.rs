//! Where JSON values start and end, found without parsing them.
//!
//! The tap and a batch get's placing need to know only where a body's items are and what their
//! key attributes hold, yet serde_json, skipping the rest, checks every number, escape and
//! character on the way: the same text was scanned that way up to three times before the
//! decoder parsed it. This scan looks only at quotes, backslashes and brackets. It trusts the
//! text to be JSON: all it skips is parsed later (the SDK reads what the tap leaves of a body,
//! the decoder reads the items), so a malformed text fails there, or here with `None`, after
//! which the caller asks serde_json where the fault is.

use std::borrow::Cow;
use std::ops::Range;

/// A cursor over JSON text (the page parser moves it too).
pub(crate) struct Scan<'a> {
    text: &'a [u8],
    pub(super) at: usize,
}

impl<'a> Scan<'a> {
    pub(crate) fn new(text: &'a [u8]) -> Self {
        Self { text, at: 0 }
    }

    /// The next byte that is not whitespace, the cursor moved onto it.
    pub(super) fn peek(&mut self) -> Option<u8> {
        while let Some(&byte) = self.text.get(self.at) {
            if !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    /// Where the next value starts: the cursor, whitespace skipped.
    pub(crate) fn start(&mut self) -> Option<usize> {
        self.peek().map(|_| self.at)
    }

    /// The cursor: just past the last value read.
    pub(crate) fn at(&self) -> usize {
        self.at
    }

    /// Move past `byte` if it comes next.
    pub(super) fn eat(&mut self, byte: u8) -> bool {
        let next = self.peek() == Some(byte);
        if next {
            self.at += 1;
        }
        next
    }

    /// The span of the string at the cursor, quotes included.
    fn string(&mut self) -> Option<Range<usize>> {
        let start = self.at;
        self.at = string_end(self.text, self.at + 1)?;
        Some(start..self.at)
    }

    /// The span of the value at the cursor, which moves past it.
    pub(crate) fn value(&mut self) -> Option<Range<usize>> {
        let first = self.peek()?;
        let start = self.at;
        self.at = match first {
            b'"' => string_end(self.text, start + 1)?,
            b'{' | b'[' => container_end(self.text, start)?,
            // A number, `true`, `false` or `null`: up to what ends it.
            _ => {
                let rest = &self.text[start..];
                start
                    + rest
                        .iter()
                        .position(|b| {
                            matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                        })
                        .unwrap_or(rest.len())
            }
        };
        Some(start..self.at)
    }

    /// Each member of the object at the cursor: `f` gets its name's span (quotes included)
    /// with the cursor on its value, and must move past the value ([`Scan::value`]).
    pub(crate) fn members(
        &mut self,
        mut f: impl FnMut(&mut Self, Range<usize>) -> Option<()>,
    ) -> Option<()> {
        if !self.eat(b'{') {
            return None;
        }
        if self.eat(b'}') {
            return Some(());
        }
        loop {
            if self.peek()? != b'"' {
                return None;
            }
            let name = self.string()?;
            if !self.eat(b':') {
                return None;
            }
            f(self, name)?;
            if self.eat(b'}') {
                return Some(());
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    /// Each element of the array at the cursor: `f` is called with the cursor on it, and must
    /// move past it ([`Scan::value`]).
    pub(crate) fn elements(&mut self, mut f: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        if !self.eat(b'[') {
            return None;
        }
        if self.eat(b']') {
            return Some(());
        }
        loop {
            f(self)?;
            if self.eat(b']') {
                return Some(());
            }
            if !self.eat(b',') {
                return None;
            }
        }
    }

    /// The text of the string at `span` (quotes included), its escapes undone.
    pub(crate) fn text(&self, span: Range<usize>) -> Option<Cow<'a, str>> {
        let quoted = self.text.get(span)?;
        let inner = quoted.get(1..quoted.len().checked_sub(1)?)?;
        if inner.contains(&b'\\') {
            return serde_json::from_slice::<String>(quoted)
                .ok()
                .map(Cow::Owned);
        }
        std::str::from_utf8(inner).ok().map(Cow::Borrowed)
    }
}

/// Past the end of the string whose text starts at `at`. A byte at a time: the strings of
/// DynamoDB JSON are mostly a few bytes long (type tags, names), too short for a vectorized
/// search to pay for its setup (with memchr, this scan measured no faster than serde_json's).
fn string_end(text: &[u8], mut at: usize) -> Option<usize> {
    loop {
        match *text.get(at)? {
            b'"' => return Some(at + 1),
            b'\\' => at += 2,
            _ => at += 1,
        }
    }
}

/// Past the end of the object or array that opens at `at`.
fn container_end(text: &[u8], mut at: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match *text.get(at)? {
            b'"' => {
                at = string_end(text, at + 1)?;
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
}

/// The span of member `name` of the object `text` holds, when it has one.
pub(crate) fn member(text: &[u8], name: &str) -> Option<Range<usize>> {
    let mut scan = Scan::new(text);
    let mut found = None;
    scan.members(|scan, key| {
        let value = scan.value()?;
        if found.is_none() && scan.text(key)? == name {
            found = Some(value);
        }
        Some(())
    })?;
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &[u8]) -> Option<Vec<&[u8]>> {
        let mut scan = Scan::new(text);
        let mut found = Vec::new();
        scan.elements(|scan| {
            found.push(scan.value()?);
            Some(())
        })?;
        Some(found.into_iter().map(|span| &text[span]).collect())
    }

    #[test]
    fn values_end_where_json_says_they_do() {
        let text =
            br#" [ {"a":{"S":"x]}\"{"}} , "s\\" ,12.5e3,true , null,[[],{}],{"b":[1,"]"]}] "#;
        let found = spans(text).expect("an array");
        let expected: Vec<&[u8]> = vec![
            br#"{"a":{"S":"x]}\"{"}}"#,
            br#""s\\""#,
            b"12.5e3",
            b"true",
            b"null",
            b"[[],{}]",
            br#"{"b":[1,"]"]}"#,
        ];
        assert_eq!(found, expected);
        // Each span parses as the whole value serde_json reads at that place.
        let parsed: Vec<serde_json::Value> = serde_json::from_slice(text).expect("JSON");
        for (span, value) in found.iter().zip(parsed) {
            assert_eq!(
                serde_json::from_slice::<serde_json::Value>(span).ok(),
                Some(value)
            );
        }
        assert_eq!(spans(b"[]"), Some(vec![]));
    }

    #[test]
    fn members_are_found_by_name_escaped_or_not() {
        let body = br#"{"Count":2,"It\u0065ms":[{"k":{"S":"}"}}],"Items":[1],"Next":{"Items":[]}}"#;
        // The first member of that name, its escapes undone; nested names are not members.
        assert_eq!(
            member(body, "Items").map(|s| &body[s]),
            Some(&br#"[{"k":{"S":"}"}}]"#[..])
        );
        assert_eq!(member(body, "Count").map(|s| &body[s]), Some(&b"2"[..]));
        assert_eq!(member(body, "Missing"), None);
    }

    #[test]
    fn text_that_is_not_json_is_refused() {
        for text in [
            &b""[..],
            b"[",
            b"[1,",
            b"[1 2]",
            br#"["open]"#,
            br#"["escape at the end\"#,
            b"{1:2}",
            b"<html>",
        ] {
            assert_eq!(spans(text), None, "{}", String::from_utf8_lossy(text));
        }
        assert_eq!(member(br#"{"a" 1}"#, "a"), None);
        assert_eq!(member(b"[]", "a"), None);
    }
}
