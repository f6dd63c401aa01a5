//! CreateTable, DescribeTable, DeleteTable and time to live.

use std::collections::HashSet;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, LocalSecondaryIndex,
    TimeToLiveSpecification, TimeToLiveStatus,
};

use super::call::{Call, Counted};
use super::convert::{describe, invalid, key_schema, projection, sdk_key_type, throughput};
use super::AwsBackend;
use crate::{CreateTable, Error, ErrorKind, TableDescription};

impl AwsBackend {
    pub(super) async fn send_create_table(
        &self,
        request: CreateTable,
    ) -> Result<TableDescription, Error> {
        let call = Call::new("CreateTable", &request.table);
        let mut builder = self.client.create_table().table_name(&request.table);
        let mut defined = HashSet::new();
        let keys = std::iter::once(&request.partition_key)
            .chain(&request.sort_key)
            .chain(
                request
                    .indexes
                    .iter()
                    .flat_map(|i| std::iter::once(&i.partition_key).chain(&i.sort_key)),
            );
        for key in keys {
            if defined.insert(&key.name) {
                let definition = AttributeDefinition::builder()
                    .attribute_name(&key.name)
                    .attribute_type(sdk_key_type(key.key_type))
                    .build()
                    .map_err(invalid)?;
                builder = builder.attribute_definitions(definition);
            }
        }
        builder = builder.set_key_schema(Some(key_schema(
            &request.partition_key,
            request.sort_key.as_ref(),
        )?));
        for index in &request.indexes {
            let schema = Some(key_schema(&index.partition_key, index.sort_key.as_ref())?);
            if index.global {
                let global = GlobalSecondaryIndex::builder()
                    .index_name(&index.name)
                    .set_key_schema(schema)
                    .projection(projection(&index.projection))
                    .set_provisioned_throughput(index.provisioned.map(throughput).transpose()?)
                    .build()
                    .map_err(invalid)?;
                builder = builder.global_secondary_indexes(global);
            } else {
                let local = LocalSecondaryIndex::builder()
                    .index_name(&index.name)
                    .set_key_schema(schema)
                    .projection(projection(&index.projection))
                    .build()
                    .map_err(invalid)?;
                builder = builder.local_secondary_indexes(local);
            }
        }
        builder = match request.provisioned {
            None => builder.billing_mode(BillingMode::PayPerRequest),
            Some(units) => builder
                .billing_mode(BillingMode::Provisioned)
                .provisioned_throughput(throughput(units)?),
        };
        let out = builder
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        out.table_description()
            .map(describe)
            .ok_or_else(|| invalid("CreateTable returned no description"))
    }

    pub(super) async fn send_describe_table(
        &self,
        table: String,
    ) -> Result<TableDescription, Error> {
        let call = Call::new("DescribeTable", &table);
        let out = self
            .client
            .describe_table()
            .table_name(&table)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        out.table().map(describe).ok_or_else(|| {
            ErrorKind::TableNotFound {
                table,
                message: "no description returned".into(),
            }
            .into()
        })
    }

    pub(super) async fn send_delete_table(&self, table: String) -> Result<(), Error> {
        let call = Call::new("DeleteTable", &table);
        self.client
            .delete_table()
            .table_name(&table)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        Ok(())
    }

    pub(super) async fn send_enable_time_to_live(
        &self,
        table: String,
        attribute: String,
    ) -> Result<(), Error> {
        let call = Call::new("UpdateTimeToLive", &table);
        let specification = TimeToLiveSpecification::builder()
            .attribute_name(attribute)
            .enabled(true)
            .build()
            .map_err(invalid)?;
        self.client
            .update_time_to_live()
            .table_name(&table)
            .time_to_live_specification(specification)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        Ok(())
    }

    pub(super) async fn send_describe_time_to_live(
        &self,
        table: String,
    ) -> Result<Option<String>, Error> {
        let call = Call::new("DescribeTimeToLive", &table);
        let out = self
            .client
            .describe_time_to_live()
            .table_name(&table)
            .send()
            .counted(&call, self.sdk_time())
            .await
            .map_err(|err| self.fail(&call, err))?;
        let description = out.time_to_live_description();
        let on = description
            .and_then(|d| d.time_to_live_status())
            .is_some_and(|s| matches!(s, TimeToLiveStatus::Enabled | TimeToLiveStatus::Enabling));
        Ok(on
            .then(|| {
                description
                    .and_then(|d| d.attribute_name())
                    .map(str::to_owned)
            })
            .flatten())
    }
}
