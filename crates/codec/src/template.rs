//! Key templates: an attribute whose value is built from other fields of the item,
//! `"CUSTOMER#{customer_id}"`, the way single-table designs key several entities in one table.
//!
//! Each field is written in its stored form (the text of an `S` or `N`), a number zero-padded to
//! a declared width so that string order is numeric order. Values may not contain the separator:
//! that is what lets a stored key be read back into its fields ([`Template::parse`]).

use crate::error::Rule;

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Literal text, written as it is.
    Text(String),
    /// A root field's stored value, by its position in the root record.
    Field {
        /// The field's position.
        position: usize,
        /// Zero-padded to this many digits (0: as stored).
        width: usize,
    },
}

/// An attribute built from a template over other root fields. A template of literal text only
/// is a constant: the entity name an item of a single-table design carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// The position of the root field (a derived one) the template fills.
    pub position: usize,
    /// Its pieces, in order.
    pub parts: Vec<Part>,
    /// The text no field value may contain.
    pub separator: String,
}

/// A field's stored value, as a template reads it.
#[derive(Debug, Clone, Copy)]
pub struct Stored<'a> {
    /// The text of the `S` or `N`.
    pub text: &'a str,
    /// Whether it is an `N` (only numbers are padded).
    pub number: bool,
}

impl Template {
    /// The positions of the fields the template is built from.
    pub fn fields(&self) -> impl Iterator<Item = usize> + '_ {
        self.parts.iter().filter_map(|part| match part {
            Part::Field { position, .. } => Some(*position),
            Part::Text(_) => None,
        })
    }

    /// The value, from each field's stored value (`None` where the item leaves it out); with
    /// `whole` false, the prefix up to the first field left out (with the text after the last
    /// field given). `Ok(None)` when a field is left out and `whole` is true: an item without
    /// a field of an index key's template is not in that index.
    ///
    /// # Errors
    /// The position of the field whose value breaks a rule, and the rule.
    pub fn render<'a>(
        &self,
        value: impl Fn(usize) -> Option<Stored<'a>>,
        whole: bool,
    ) -> Result<Option<String>, (usize, Rule)> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Field { position, width } => {
                    let Some(stored) = value(*position) else {
                        return Ok((!whole).then_some(out));
                    };
                    self.push(&mut out, stored, *width)
                        .map_err(|rule| (*position, rule))?;
                }
            }
        }
        Ok(Some(out))
    }

    fn push(&self, out: &mut String, stored: Stored<'_>, width: usize) -> Result<(), Rule> {
        if !self.separator.is_empty() && stored.text.contains(&self.separator) {
            return Err(Rule::SeparatorInKeyPart {
                separator: self.separator.clone(),
            });
        }
        if width == 0 {
            out.push_str(stored.text);
            return Ok(());
        }
        let digits = stored.text;
        if !stored.number || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Rule::KeyPartWidth { width });
        }
        if digits.len() > width {
            return Err(Rule::KeyPartWidth { width });
        }
        out.extend(std::iter::repeat_n('0', width - digits.len()));
        out.push_str(digits);
        Ok(())
    }

    /// The fields' stored texts in a stored value (padding removed from numbers marked by
    /// `number`), or `None` when the value does not follow the template.
    pub fn parse<'s>(
        &self,
        text: &'s str,
        number: impl Fn(usize) -> bool,
    ) -> Option<Vec<(usize, &'s str)>> {
        let mut rest = text;
        let mut found = Vec::new();
        let mut parts = self.parts.iter().peekable();
        while let Some(part) = parts.next() {
            match part {
                Part::Text(literal) => rest = rest.strip_prefix(literal.as_str())?,
                Part::Field { position, width } => {
                    // A value holds no separator and the text after it starts where the first
                    // separator is found: the first occurrence of that text ends the value.
                    let end = match parts.peek() {
                        Some(Part::Text(next)) => rest.find(next.as_str())?,
                        Some(Part::Field { .. }) => return None,
                        None => rest.len(),
                    };
                    let mut value = &rest[..end];
                    if *width > 0 && number(*position) {
                        let trimmed = value.trim_start_matches('0');
                        value = if trimmed.is_empty() && !value.is_empty() {
                            &value[value.len() - 1..]
                        } else {
                            trimmed
                        };
                    }
                    found.push((*position, value));
                    rest = &rest[end..];
                }
            }
        }
        rest.is_empty().then_some(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order() -> Template {
        Template {
            position: 9,
            parts: vec![
                Part::Text("ORDER#".into()),
                Part::Field {
                    position: 0,
                    width: 0,
                },
                Part::Text("#".into()),
                Part::Field {
                    position: 1,
                    width: 6,
                },
            ],
            separator: "#".into(),
        }
    }

    fn values<'a>(
        first: Option<&'a str>,
        second: Option<&'a str>,
    ) -> impl Fn(usize) -> Option<Stored<'a>> {
        move |position| match position {
            0 => first.map(|text| Stored {
                text,
                number: false,
            }),
            _ => second.map(|text| Stored { text, number: true }),
        }
    }

    #[test]
    fn renders_padded_numbers_and_parses_them_back() {
        let template = order();
        let text = template
            .render(
                values(Some("2024-05-01T09:30:00.000000Z"), Some("42")),
                true,
            )
            .expect("renders")
            .expect("whole");
        assert_eq!(text, "ORDER#2024-05-01T09:30:00.000000Z#000042");
        let parsed = template.parse(&text, |p| p == 1).expect("parses");
        assert_eq!(parsed, vec![(0, "2024-05-01T09:30:00.000000Z"), (1, "42")]);
        let zero = template.render(values(Some("a"), Some("0")), true);
        let zero = zero.expect("renders").expect("whole");
        assert_eq!(
            template.parse(&zero, |p| p == 1),
            Some(vec![(0, "a"), (1, "0")])
        );
    }

    #[test]
    fn a_prefix_stops_at_the_first_missing_field() {
        let template = order();
        let prefix = template.render(values(Some("x"), None), false);
        assert_eq!(prefix, Ok(Some("ORDER#x#".to_owned())));
        assert_eq!(
            template.render(values(None, None), false),
            Ok(Some("ORDER#".to_owned()))
        );
        assert_eq!(template.render(values(Some("x"), None), true), Ok(None));
    }

    #[test]
    fn refuses_the_separator_and_numbers_that_do_not_fit() {
        let template = order();
        let separator = template.render(values(Some("a#b"), Some("1")), true);
        assert!(matches!(
            separator,
            Err((0, Rule::SeparatorInKeyPart { .. }))
        ));
        let wide = template.render(values(Some("a"), Some("1234567")), true);
        assert_eq!(wide, Err((1, Rule::KeyPartWidth { width: 6 })));
        let negative = template.render(values(Some("a"), Some("-1")), true);
        assert_eq!(negative, Err((1, Rule::KeyPartWidth { width: 6 })));
        let fraction = template.render(values(Some("a"), Some("1.5")), true);
        assert_eq!(fraction, Err((1, Rule::KeyPartWidth { width: 6 })));
    }

    #[test]
    fn a_value_that_does_not_follow_the_template_parses_to_none() {
        let template = order();
        assert_eq!(template.parse("CUSTOMER#1", |_| false), None);
        assert_eq!(template.parse("ORDER#x", |_| false), None);
    }
}
