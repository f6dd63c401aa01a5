//! `Entities`: the codecs of the models that share one table, chosen item by item by the
//! entity name each item carries (a collection's query returns them all in one stream).

use std::collections::HashMap;

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::codec::{Codec, Shape};
use crate::py_types::PausedGc;
use crate::source::Source;
use crate::wire::Tag;

/// The models of one table by entity name, and the attribute that names an item's entity.
#[pyclass(frozen, module = "dynomodel._native")]
pub struct Entities {
    attribute: String,
    codecs: HashMap<String, Py<Codec>>,
}

/// An item whose entity no model of the collection is: kept in wire form, never dropped.
#[pyclass(frozen, get_all, module = "dynomodel._native")]
pub struct RawItem {
    /// The stored item, in wire form.
    item: Py<PyDict>,
}

#[pymethods]
impl Entities {
    #[new]
    fn new(attribute: String, codecs: HashMap<String, Py<Codec>>) -> Self {
        Self { attribute, codecs }
    }
}

impl Entities {
    /// A page's items, each decoded by its entity's codec into `shape`, or as a `RawItem`.
    pub fn load_page<'py, S: Source<'py>>(
        &self,
        py: Python<'py>,
        items: impl IntoIterator<Item = S>,
        shape: Shape,
    ) -> PyResult<Bound<'py, PyList>> {
        let _paused = PausedGc::new(py)?;
        let out = PyList::empty(py);
        for item in items {
            match self.codec_of(&item)? {
                Some(codec) => out.append(codec.get().load_item(py, &item, shape)?)?,
                None => {
                    let raw = RawItem {
                        item: item.to_wire(py)?.cast_into::<PyDict>()?.unbind(),
                    };
                    out.append(Bound::new(py, raw)?)?;
                }
            }
        }
        Ok(out)
    }

    /// The codec of the entity `item` names, if it is one of the collection's.
    fn codec_of<'py, S: Source<'py>>(&self, item: &S) -> PyResult<Option<&Py<Codec>>> {
        let mut codec = None;
        item.for_each_entry(|name, value| {
            if name.is(&self.attribute) && value.tag() == Tag::S {
                codec = self.codecs.get(value.text()?);
            }
            Ok(())
        })?;
        Ok(codec)
    }
}
