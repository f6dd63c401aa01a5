//! Query and Scan: one page (of each segment), decoded when the GIL is held again.

use dynomodel_client::reads::scan_pages;
use dynomodel_client::{Query, Scan};
use pyo3::prelude::*;

use super::Client;
use crate::convert::args::{DecodingArg, ExpressionArg, ItemArg, ReadArg};
use crate::convert::outputs::{DecodedPage, Decoding};

#[pymethods]
impl Client {
    /// Query: one `PageOutput`.
    #[pyo3(signature = (table, index, key_condition, read, forward, decoding, blocking))]
    #[allow(clippy::too_many_arguments)]
    fn query<'py>(
        &self,
        py: Python<'py>,
        table: String,
        index: Option<String>,
        key_condition: ExpressionArg,
        read: ReadArg,
        forward: bool,
        decoding: DecodingArg,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request = Query {
            table: self.table(table),
            index,
            key_condition: key_condition.into(),
            read: read.into(),
            forward,
        };
        let (backend, sealing) = (self.backend(), self.sealing());
        let decoding = Decoding::from(decoding);
        self.run(py, blocking, async move {
            let table = request.table.clone();
            let mut page = backend.query(request).await?;
            sealing.open_items(&table, &mut page.items).await?;
            Ok(DecodedPage(page, decoding))
        })
    }

    /// Scan: one `PageOutput` for each of `segments` (`(segment, start_key)` pairs of a scan
    /// split in `total` segments, or one `(0, start_key)` with `total` 0 for a plain scan), the
    /// requests running concurrently; the pages in the order of `segments`.
    #[pyo3(signature = (table, index, read, segments, total, decoding, blocking))]
    #[allow(clippy::too_many_arguments)]
    fn scan<'py>(
        &self,
        py: Python<'py>,
        table: String,
        index: Option<String>,
        read: ReadArg,
        segments: Vec<(i32, Option<ItemArg>)>,
        total: i32,
        decoding: DecodingArg,
        blocking: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let shared: dynomodel_client::Read = read.into();
        let table = self.table(table);
        let decoding = Decoding::from(decoding);
        // One decoding per page, its handles taken now: the runtime's threads hold no GIL.
        let decodings: Vec<Decoding> = segments.iter().map(|_| decoding.clone_ref(py)).collect();
        let requests = segments
            .into_iter()
            .map(|(segment, start_key)| Scan {
                table: table.clone(),
                index: index.clone(),
                read: dynomodel_client::Read {
                    start_key: start_key.map(|key| key.0),
                    ..shared.clone()
                },
                segment: (total > 0).then_some((segment, total)),
            })
            .collect();
        let (backend, sealing) = (self.backend(), self.sealing());
        self.run(py, blocking, async move {
            let mut pages = scan_pages(backend, requests).await?;
            for page in &mut pages {
                sealing.open_items(&table, &mut page.items).await?;
            }
            Ok(pages
                .into_iter()
                .zip(decodings)
                .map(|(page, decoding)| DecodedPage(page, decoding))
                .collect::<Vec<_>>())
        })
    }
}
