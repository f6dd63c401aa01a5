//! TransactWriteItems and TransactGetItems.

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    CancellationReason as SdkReason, ConditionCheck, Delete, Get, Put,
    ReturnValuesOnConditionCheckFailure, TransactGetItem as SdkGetItem, TransactWriteItem, Update,
};

use super::call::{Call, Counted, Use, CONSUMED};
use super::convert::{invalid, placeholders, Placeholders};
use super::AwsBackend;
use crate::{
    CancellationReason, Capacity, Error, ErrorKind, TransactAction, TransactGetItem,
    TransactGetOutput, TransactWrite,
};

const ALL_OLD: ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure::AllOld;

/// The SDK's builders for the four actions share no trait, but each takes the same expression
/// fields: this sets them once for all four.
macro_rules! guarded {
    ($builder:expr, $condition:expr, $names:expr, $values:expr) => {
        $builder
            .set_condition_expression($condition)
            .set_expression_attribute_names($names)
            .set_expression_attribute_values($values)
            .return_values_on_condition_check_failure(ALL_OLD)
            .build()
            .map_err(invalid)?
    };
}

fn action(action: TransactAction) -> Result<TransactWriteItem, Error> {
    let item = match action {
        TransactAction::Put {
            table,
            item,
            condition,
        } => {
            let Placeholders {
                texts: [condition],
                names,
                values,
            } = placeholders([condition]);
            let put = Put::builder().table_name(table).set_item(Some(item));
            TransactWriteItem::builder().put(guarded!(put, condition, names, values))
        }
        TransactAction::Update {
            table,
            key,
            update,
            condition,
        } => {
            let Placeholders {
                texts: [update, condition],
                names,
                values,
            } = placeholders([Some(update), condition]);
            let update = Update::builder()
                .table_name(table)
                .set_key(Some(key))
                .set_update_expression(update);
            TransactWriteItem::builder().update(guarded!(update, condition, names, values))
        }
        TransactAction::Delete {
            table,
            key,
            condition,
        } => {
            let Placeholders {
                texts: [condition],
                names,
                values,
            } = placeholders([condition]);
            let delete = Delete::builder().table_name(table).set_key(Some(key));
            TransactWriteItem::builder().delete(guarded!(delete, condition, names, values))
        }
        TransactAction::ConditionCheck {
            table,
            key,
            condition,
        } => {
            let Placeholders {
                texts: [condition],
                names,
                values,
            } = placeholders([Some(condition)]);
            let check = ConditionCheck::builder()
                .table_name(table)
                .set_key(Some(key));
            TransactWriteItem::builder().condition_check(guarded!(check, condition, names, values))
        }
    };
    Ok(item.build())
}

/// The table of a transaction's first action, to name in its errors.
fn first_table(request: &TransactWrite) -> &str {
    request.actions.first().map_or("", |action| match action {
        TransactAction::Put { table, .. }
        | TransactAction::Update { table, .. }
        | TransactAction::Delete { table, .. }
        | TransactAction::ConditionCheck { table, .. } => table.as_str(),
    })
}

fn reasons(err: &TransactWriteItemsError) -> Option<Vec<CancellationReason>> {
    match err {
        TransactWriteItemsError::TransactionCanceledException(canceled) => {
            Some(reasons_of(canceled.cancellation_reasons()))
        }
        _ => None,
    }
}

/// The reasons DynamoDB gave for canceling a transaction, one per action in order.
pub(super) fn reasons_of(found: &[SdkReason]) -> Vec<CancellationReason> {
    found
        .iter()
        .map(|reason| CancellationReason {
            code: reason.code().unwrap_or("None").to_owned(),
            message: reason.message().map(str::to_owned),
            item: reason.item().cloned(),
        })
        .collect()
}

/// `error`, with the cancellation reasons `found` when it is a canceled transaction.
pub(super) fn canceled_with(
    call: &Call,
    error: Error,
    found: Option<Vec<CancellationReason>>,
) -> Error {
    match (error.kind(), found) {
        (ErrorKind::TransactionCanceled { message, .. }, Some(found)) => {
            let kind = ErrorKind::TransactionCanceled {
                message: message.clone(),
                reasons: found,
            };
            call.failed(kind.into())
        }
        _ => error,
    }
}

impl AwsBackend {
    pub(super) async fn send_transact_write(
        &self,
        request: TransactWrite,
    ) -> Result<Capacity, Error> {
        let call = Call::new("TransactWriteItems", first_table(&request));
        let items = request
            .actions
            .into_iter()
            .map(action)
            .collect::<Result<Vec<_>, _>>()?;
        let out = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .set_client_request_token(request.token)
            .return_consumed_capacity(CONSUMED)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| {
                let found = err.as_service_error().and_then(reasons);
                canceled_with(&call, self.fail(&call, err), found)
            })?;
        Ok(call.cost(out.consumed_capacity(), Use::Write))
    }

    pub(super) async fn send_transact_get(
        &self,
        request: Vec<TransactGetItem>,
    ) -> Result<TransactGetOutput, Error> {
        let call = Call::new(
            "TransactGetItems",
            request.first().map_or("", |g| g.table.as_str()),
        );
        let count = request.len();
        let items = request
            .into_iter()
            .map(|get| {
                let get = Get::builder()
                    .table_name(get.table)
                    .set_key(Some(get.key))
                    .build()
                    .map_err(invalid)?;
                Ok(SdkGetItem::builder().get(get).build())
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let out = self
            .client
            .transact_get_items()
            .set_transact_items(Some(items))
            .return_consumed_capacity(CONSUMED)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        let capacity = call.cost(out.consumed_capacity(), Use::Read);
        let mut items: Vec<_> = out
            .responses
            .unwrap_or_default()
            .into_iter()
            .map(|response| response.item)
            .collect();
        items.resize(count, None);
        Ok(TransactGetOutput { items, capacity })
    }
}
