//! PutItem, GetItem, DeleteItem and UpdateItem: one item each.

use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};

use super::call::{Call, Counted, Use, CONSUMED};
use super::convert::{placeholders, Placeholders};
use super::AwsBackend;
use crate::{DeleteItem, Error, GetItem, ItemOutput, PutItem, UpdateItem};

const ALL_OLD: ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure::AllOld;

impl AwsBackend {
    pub(super) async fn send_put_item(&self, request: PutItem) -> Result<ItemOutput, Error> {
        let call = Call::new("PutItem", &request.table);
        let Placeholders {
            texts: [condition],
            names,
            values,
        } = placeholders([request.condition]);
        let out = self
            .client
            .put_item()
            .table_name(&request.table)
            .set_item(Some(request.item))
            .set_condition_expression(condition)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .set_return_values(request.return_old.then_some(ReturnValue::AllOld))
            .return_values_on_condition_check_failure(ALL_OLD)
            .return_consumed_capacity(CONSUMED)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| {
                self.fail_with(&call, err, |e| match e {
                    PutItemError::ConditionalCheckFailedException(c) => c.item().cloned(),
                    _ => None,
                })
            })?;
        let capacity = call.cost(out.consumed_capacity(), Use::Write);
        Ok(ItemOutput {
            item: out.attributes,
            capacity,
        })
    }

    pub(super) async fn send_get_item(&self, request: GetItem) -> Result<ItemOutput, Error> {
        let call = Call::new("GetItem", &request.table);
        let out = self
            .client
            .get_item()
            .table_name(&request.table)
            .set_key(Some(request.key))
            .consistent_read(request.consistent_read)
            .return_consumed_capacity(CONSUMED)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        let capacity = call.cost(out.consumed_capacity(), Use::Read);
        Ok(ItemOutput {
            item: out.item,
            capacity,
        })
    }

    pub(super) async fn send_delete_item(&self, request: DeleteItem) -> Result<ItemOutput, Error> {
        let call = Call::new("DeleteItem", &request.table);
        let Placeholders {
            texts: [condition],
            names,
            values,
        } = placeholders([request.condition]);
        let out = self
            .client
            .delete_item()
            .table_name(&request.table)
            .set_key(Some(request.key))
            .set_condition_expression(condition)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .set_return_values(request.return_old.then_some(ReturnValue::AllOld))
            .return_values_on_condition_check_failure(ALL_OLD)
            .return_consumed_capacity(CONSUMED)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| {
                self.fail_with(&call, err, |e| match e {
                    DeleteItemError::ConditionalCheckFailedException(c) => c.item().cloned(),
                    _ => None,
                })
            })?;
        let capacity = call.cost(out.consumed_capacity(), Use::Write);
        Ok(ItemOutput {
            item: out.attributes,
            capacity,
        })
    }

    pub(super) async fn send_update_item(&self, request: UpdateItem) -> Result<ItemOutput, Error> {
        let call = Call::new("UpdateItem", &request.table);
        let Placeholders {
            texts: [update, condition],
            names,
            values,
        } = placeholders([Some(request.update), request.condition]);
        let out = self
            .client
            .update_item()
            .table_name(&request.table)
            .set_key(Some(request.key))
            .set_update_expression(update)
            .set_condition_expression(condition)
            .set_expression_attribute_names(names)
            .set_expression_attribute_values(values)
            .return_values(ReturnValue::AllNew)
            .return_values_on_condition_check_failure(ALL_OLD)
            .return_consumed_capacity(CONSUMED)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| {
                self.fail_with(&call, err, |e| match e {
                    UpdateItemError::ConditionalCheckFailedException(c) => c.item().cloned(),
                    _ => None,
                })
            })?;
        let capacity = call.cost(out.consumed_capacity(), Use::Write);
        Ok(ItemOutput {
            item: out.attributes,
            capacity,
        })
    }
}
