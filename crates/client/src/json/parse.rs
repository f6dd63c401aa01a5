//! DynamoDB JSON read into the tree of [`super::tree::Value`]s, by a parser that knows only
//! this format.
//!
//! serde_json's visitors read each value as any JSON could be, then the tree's `Deserialize`
//! impls checked it was DynamoDB's: a type tag, then its payload. Here the tag says what comes
//! next, and a string without escapes (nearly every one) is borrowed from the body with one
//! scan for its closing quote. Escapes are undone by serde_json, so text reads exactly as it
//! would there; what this parser refuses, it says where.

use std::borrow::Cow;

use serde::de::IgnoredAny;

use super::scan::Scan;
use super::tree::{Entries, Text, Value};

/// Where and why the text is not DynamoDB JSON.
#[derive(Debug, PartialEq, Eq)]
pub struct Fault {
    /// Its byte offset in the text.
    pub at: usize,
    /// What was expected there, or what is wrong with what is there.
    pub what: &'static str,
}

impl Fault {
    /// Its line and column (1-based, in bytes), as serde_json reports them.
    pub fn line_column(&self, text: &[u8]) -> (usize, usize) {
        let before = &text[..self.at.min(text.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.len()
            - before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
        (line, column + 1)
    }
}

type Parsed<T> = Result<T, Fault>;

/// The items of a page: an array of items, nothing after it.
pub fn items(text: &str) -> Parsed<Vec<Entries<'_>>> {
    let mut parser = Parser {
        text,
        scan: Scan::new(text.as_bytes()),
    };
    let mut items = Vec::new();
    parser.array(|parser| {
        items.push(parser.entries()?);
        Ok(())
    })?;
    if parser.scan.peek().is_some() {
        return Err(parser.fault("text after the items"));
    }
    Ok(items)
}

/// The text, and a cursor over it shared with the scan (whitespace skipped the same way).
struct Parser<'a> {
    text: &'a str,
    scan: Scan<'a>,
}

impl<'a> Parser<'a> {
    fn fault(&self, what: &'static str) -> Fault {
        Fault {
            at: self.scan.at,
            what,
        }
    }

    fn expect(&mut self, byte: u8, what: &'static str) -> Parsed<()> {
        if self.scan.eat(byte) {
            Ok(())
        } else {
            Err(self.fault(what))
        }
    }

    fn string(&mut self) -> Parsed<Text<'a>> {
        if self.scan.peek() != Some(b'"') {
            return Err(self.fault("expected a string"));
        }
        let bytes = self.text.as_bytes();
        let start = self.scan.at;
        let mut at = start + 1;
        let mut escaped = false;
        loop {
            match bytes.get(at) {
                Some(b'"') => break,
                Some(b'\\') => {
                    escaped = true;
                    at += 2;
                }
                Some(&byte) if byte < 0x20 => {
                    self.scan.at = at;
                    return Err(self.fault("a control character in a string"));
                }
                Some(_) => at += 1,
                None => return Err(self.fault("a string without its end")),
            }
        }
        self.scan.at = at + 1;
        // The quotes are ASCII: both ends are character boundaries.
        let quoted = &self.text[start..self.scan.at];
        if !escaped {
            return Ok(Text(Cow::Borrowed(&quoted[1..quoted.len() - 1])));
        }
        serde_json::from_str::<String>(quoted)
            .map(|text| Text(Cow::Owned(text)))
            .map_err(|_| Fault {
                at: start,
                what: "a string with a bad escape",
            })
    }

    fn array(&mut self, mut element: impl FnMut(&mut Self) -> Parsed<()>) -> Parsed<()> {
        self.expect(b'[', "expected an array")?;
        if self.scan.eat(b']') {
            return Ok(());
        }
        loop {
            element(self)?;
            if self.scan.eat(b']') {
                return Ok(());
            }
            self.expect(b',', "expected , or ] in an array")?;
        }
    }

    /// An item or an `M`: names and values.
    fn entries(&mut self) -> Parsed<Entries<'a>> {
        self.expect(b'{', "expected an item or a map")?;
        let mut entries = Vec::new();
        if self.scan.eat(b'}') {
            return Ok(Entries(entries));
        }
        loop {
            let name = self.string()?;
            self.expect(b':', "expected : after a name")?;
            entries.push((name, self.value()?));
            if self.scan.eat(b'}') {
                return Ok(Entries(entries));
            }
            self.expect(b',', "expected , or } in a map")?;
        }
    }

    fn texts(&mut self) -> Parsed<Vec<Text<'a>>> {
        let mut texts = Vec::new();
        self.array(|parser| {
            texts.push(parser.string()?);
            Ok(())
        })?;
        Ok(texts)
    }

    fn flag(&mut self) -> Parsed<bool> {
        self.scan.peek();
        let rest = &self.text.as_bytes()[self.scan.at..];
        let (flag, len) = if rest.starts_with(b"true") {
            (true, 4)
        } else if rest.starts_with(b"false") {
            (false, 5)
        } else {
            return Err(self.fault("expected true or false"));
        };
        self.scan.at += len;
        Ok(flag)
    }

    /// An attribute value: `{"S": "x"}`, `{"L": [...]}`, ...
    fn value(&mut self) -> Parsed<Value<'a>> {
        self.expect(b'{', "expected an attribute value")?;
        let tag = self.string()?;
        self.expect(b':', "expected : after a type")?;
        let value = match &*tag.0 {
            "S" => Value::S(self.string()?),
            "N" => Value::N(self.string()?),
            "B" => Value::B(self.string()?),
            "BOOL" => Value::Bool(self.flag()?),
            "SS" => Value::Ss(self.texts()?),
            "NS" => Value::Ns(self.texts()?),
            "BS" => Value::Bs(self.texts()?),
            "L" => {
                let mut values = Vec::new();
                self.array(|parser| {
                    values.push(parser.value()?);
                    Ok(())
                })?;
                Value::L(values)
            }
            "M" => Value::M(self.entries()?),
            // `NULL`, and any type a newer DynamoDB adds: its payload only checked as JSON.
            _ => {
                self.skip()?;
                Value::Null
            }
        };
        self.expect(b'}', "expected } after a value: one type to a value")?;
        Ok(value)
    }

    /// Move past any JSON value, checked by serde_json.
    fn skip(&mut self) -> Parsed<()> {
        self.scan.peek();
        let rest = &self.text[self.scan.at..];
        let mut values = serde_json::Deserializer::from_str(rest).into_iter::<IgnoredAny>();
        match values.next() {
            Some(Ok(_)) => {
                self.scan.at += values.byte_offset();
                Ok(())
            }
            _ => Err(self.fault("expected a JSON value")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(values: &[Text<'_>]) -> Vec<String> {
        values.iter().map(|t| t.0.to_string()).collect()
    }

    /// A value as a string that shows its type and every payload.
    fn show(value: &Value<'_>) -> String {
        match value {
            Value::S(t) => format!("S({})", t.0),
            Value::N(t) => format!("N({})", t.0),
            Value::B(t) => format!("B({})", t.0),
            Value::Bool(flag) => format!("BOOL({flag})"),
            Value::Null => "NULL".to_owned(),
            Value::Ss(v) => format!("SS{:?}", texts(v)),
            Value::Ns(v) => format!("NS{:?}", texts(v)),
            Value::Bs(v) => format!("BS{:?}", texts(v)),
            Value::L(v) => format!("L[{}]", v.iter().map(show).collect::<Vec<_>>().join(",")),
            Value::M(e) => show_entries(e),
        }
    }

    fn show_entries(entries: &Entries<'_>) -> String {
        let shown: Vec<String> = entries
            .0
            .iter()
            .map(|(n, v)| format!("{}={}", n.0, show(v)))
            .collect();
        format!("M{{{}}}", shown.join(","))
    }

    #[test]
    fn every_type_reads_with_its_payload() {
        let text = r#" [ {"s":{"S":"a\"b\u00e9\n"},"n":{"N":"-1.5e3"},"b":{"B":"AQI="},
            "t":{"BOOL":true},"f":{ "BOOL" : false },"z":{"NULL":true},"new":{"X":{"a":[1,2]}},
            "ss":{"SS":["x","y"]},"ns":{"NS":["1"]},"bs":{"BS":[]},"é":{"S":""},
            "l":{"L":[{"S":"in"},{"M":{}}]},"m":{"M":{"k":{"L":[]}}}} , {} ]"#;
        let parsed = items(text).expect("DynamoDB JSON");
        assert_eq!(parsed.len(), 2);
        assert_eq!(
            show_entries(&parsed[0]),
            "M{s=S(a\"bé\n),n=N(-1.5e3),b=B(AQI=),t=BOOL(true),f=BOOL(false),z=NULL,new=NULL,\
             ss=SS[\"x\", \"y\"],ns=NS[\"1\"],bs=BS[],é=S(),l=L[S(in),M{}],m=M{k=L[]}}"
        );
        assert!(parsed[1].0.is_empty());
        assert!(matches!(
            &parsed[0].0[1].1,
            Value::N(Text(Cow::Borrowed(_)))
        ));
        assert!(items("[]").expect("no items").is_empty());
    }

    /// A random attribute value as serde_json holds it, of every type, with text that JSON
    /// escapes (quotes, backslashes, control characters) or carries as it is (non-ASCII).
    fn random_value(depth: u32) -> serde_json::Value {
        use serde_json::{json, Value as J};
        fn text() -> J {
            let pieces = [
                "a",
                "\"",
                "\\",
                "\n",
                "\u{1}",
                "é",
                "\u{1f600}",
                "/",
                " ",
                "]}",
                "S",
            ];
            let count = fastrand::usize(0..6);
            J::String(
                (0..count)
                    .map(|_| pieces[fastrand::usize(..pieces.len())])
                    .collect(),
            )
        }
        fn texts() -> J {
            J::Array((0..fastrand::usize(0..4)).map(|_| text()).collect())
        }
        let kinds = if depth == 0 { 8 } else { 10 };
        match fastrand::u32(0..kinds) {
            0 => json!({ "S": text() }),
            1 => json!({ "N": text() }),
            2 => json!({ "B": text() }),
            3 => json!({ "BOOL": fastrand::bool() }),
            4 => json!({ "NULL": true }),
            5 => json!({ "SS": texts() }),
            6 => json!({ "NS": texts() }),
            7 => json!({ "BS": texts() }),
            8 => J::Object(
                [(
                    "L".to_owned(),
                    J::Array(
                        (0..fastrand::usize(0..4))
                            .map(|_| random_value(depth - 1))
                            .collect(),
                    ),
                )]
                .into_iter()
                .collect(),
            ),
            _ => json!({ "M": random_entries(depth - 1) }),
        }
    }

    fn random_entries(depth: u32) -> serde_json::Value {
        let mut entries = serde_json::Map::new();
        for _ in 0..fastrand::usize(0..5) {
            if let serde_json::Value::String(name) = random_value(0)["S"].take() {
                entries.insert(name, random_value(depth));
            }
        }
        serde_json::Value::Object(entries)
    }

    /// The tree read back into the JSON it was read from.
    fn to_json(value: &Value<'_>) -> serde_json::Value {
        use serde_json::{json, Value as J};
        let texts =
            |v: &[Text<'_>]| J::Array(v.iter().map(|t| J::String(t.0.to_string())).collect());
        match value {
            Value::S(t) => json!({ "S": t.0 }),
            Value::N(t) => json!({ "N": t.0 }),
            Value::B(t) => json!({ "B": t.0 }),
            Value::Bool(flag) => json!({ "BOOL": flag }),
            Value::Null => json!({ "NULL": true }),
            Value::Ss(v) => json!({ "SS": texts(v) }),
            Value::Ns(v) => json!({ "NS": texts(v) }),
            Value::Bs(v) => json!({ "BS": texts(v) }),
            Value::L(v) => json!({ "L": v.iter().map(to_json).collect::<Vec<_>>() }),
            Value::M(e) => json!({ "M": entries_to_json(e) }),
        }
    }

    fn entries_to_json(entries: &Entries<'_>) -> serde_json::Value {
        serde_json::Value::Object(
            entries
                .0
                .iter()
                .map(|(n, v)| (n.0.to_string(), to_json(v)))
                .collect(),
        )
    }

    /// Against serde_json, which wrote the text: what it wrote, compact or pretty, reads back
    /// the same.
    #[test]
    fn random_items_read_back_as_serde_json_wrote_them() {
        fastrand::seed(17);
        for _ in 0..500 {
            let page: Vec<serde_json::Value> = (0..fastrand::usize(0..4))
                .map(|_| random_entries(3))
                .collect();
            for text in [
                serde_json::to_string(&page).expect("JSON"),
                serde_json::to_string_pretty(&page).expect("JSON"),
            ] {
                let parsed = items(&text).unwrap_or_else(|fault| panic!("{fault:?} in {text}"));
                let back: Vec<serde_json::Value> = parsed.iter().map(entries_to_json).collect();
                assert_eq!(back, page, "{text}");
            }
        }
    }

    #[test]
    fn what_is_not_dynamodb_json_is_refused_saying_where() {
        for (text, at) in [
            ("", 0),
            ("[{}", 3),
            ("[{}] x", 5),
            (r#"[{"a":{"S":"x","N":"1"}}]"#, 14),
            (r#"[{"a":{"BOOL":"yes"}}]"#, 14),
            (r#"[{"a":{"S":1}}]"#, 11),
            (r#"[{"a":{"L":[{"S":"x"},]}}]"#, 22),
            (r#"[{"a":{"S":"bad \q"}}]"#, 11),
            ("[{\"a\":{\"S\":\"raw \t tab\"}}]", 16),
            (r#"[{"a":{"X":[1,}}]"#, 11),
            (r#"[{"a":{"S":"open"#, 11),
        ] {
            let Err(fault) = items(text) else {
                panic!("read as DynamoDB JSON: {text}");
            };
            assert_eq!(fault.at, at, "{text}: {fault:?}");
        }
        let fault = Fault { at: 7, what: "" };
        assert_eq!(fault.line_column(b"[{},\n {}"), (2, 3));
    }
}
