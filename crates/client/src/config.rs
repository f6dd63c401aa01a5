//! [`ClientConfig`]: region, endpoint, credentials, timeouts and retries, resolved into an SDK
//! configuration the AWS way.

use std::time::Duration;

use aws_config::retry::RetryConfig;

use crate::engine::{Engine, EngineHttp};
use crate::{Error, ErrorKind};
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_sdk_dynamodb::config::{Credentials, StalledStreamProtectionConfig};

/// How to reach DynamoDB. Every field left `None` follows the AWS conventions (`AWS_REGION`,
/// `AWS_ENDPOINT_URL_DYNAMODB`, `AWS_PROFILE`, the default credential chain).
#[derive(Debug, Clone, Default)]
pub struct ClientConfig {
    /// The region, e.g. `eu-west-1`.
    pub region: Option<String>,
    /// A custom endpoint (DynamoDB Local, a proxy).
    pub endpoint_url: Option<String>,
    /// A named profile from the shared AWS config files.
    pub profile: Option<String>,
    /// Static credentials: the access key id.
    pub access_key_id: Option<String>,
    /// Static credentials: the secret access key.
    pub secret_access_key: Option<String>,
    /// Static credentials: the session token, for temporary credentials.
    pub session_token: Option<String>,
    /// Time allowed to open a connection ([`DEFAULT_CONNECT_TIMEOUT`] when unset).
    pub connect_timeout: Option<Duration>,
    /// Time allowed for the first byte of a response once the request is sent
    /// ([`DEFAULT_READ_TIMEOUT`] when unset).
    pub read_timeout: Option<Duration>,
    /// Attempts after the first one, with the SDK's standard backoff.
    pub max_retries: Option<u32>,
}

/// How long a connection may take to open unless configured: an endpoint that does not accept
/// connections fails the call instead of hanging it.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// How long the first byte of a response may take unless configured: an endpoint that accepts a
/// request and never answers fails the call instead of hanging it. A full 1 MB page or a batch
/// of 100 items starts answering well within it.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);

impl ClientConfig {
    /// Resolve the configuration into an SDK client (reads profiles and the environment).
    ///
    /// # Errors
    /// [`ErrorKind::Configuration`] when no region is configured anywhere: DynamoDB requests are
    /// signed for a region, and the SDK would only say so when the first call fails.
    pub async fn connect(&self) -> Result<aws_sdk_dynamodb::Client, Error> {
        self.connect_to(self.engine()?).await
    }

    /// [`ClientConfig::connect`], to `engine` when it is given (see [`ClientConfig::engine`]).
    ///
    /// # Errors
    /// As [`ClientConfig::connect`].
    pub async fn connect_to(
        &self,
        engine: Option<Engine>,
    ) -> Result<aws_sdk_dynamodb::Client, Error> {
        if let Some(engine) = engine {
            return Ok(self.connect_engine(engine));
        }
        let mut loader = self.loader();
        if let Some(endpoint) = &self.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        let sdk = loader.load().await;
        check_region(&sdk)?;
        Ok(aws_sdk_dynamodb::Client::new(&sdk))
    }

    /// The SDK configuration of the other AWS services a client reaches (S3, for values kept
    /// there): the same profile, region, credentials, timeouts and retries as DynamoDB's, but
    /// not its endpoint, which names DynamoDB only. Each service's own endpoint setting
    /// (`AWS_ENDPOINT_URL_S3`, ...) applies as the SDK reads it.
    ///
    /// # Errors
    /// [`ErrorKind::Configuration`] when no region is configured anywhere.
    pub async fn services(&self) -> Result<aws_config::SdkConfig, Error> {
        let sdk = self.loader().load().await;
        check_region(&sdk)?;
        Ok(sdk)
    }

    /// What every service's configuration is loaded with.
    fn loader(&self) -> aws_config::ConfigLoader {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(profile) = &self.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &self.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let (Some(id), Some(secret)) = (&self.access_key_id, &self.secret_access_key) {
            let credentials =
                Credentials::new(id, secret, self.session_token.clone(), None, "dynomodel");
            loader = loader.credentials_provider(credentials);
        }
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            .read_timeout(self.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT));
        loader = loader.timeout_config(timeouts.build());
        if let Some(retries) = self.max_retries {
            loader = loader.retry_config(RetryConfig::standard().with_max_attempts(retries + 1));
        }
        loader
    }

    /// The embedded engine the endpoint names (`memory://`), if it names one.
    ///
    /// # Errors
    /// [`ErrorKind::Configuration`] for a `memory://` endpoint that is not well formed.
    pub fn engine(&self) -> Result<Option<Engine>, Error> {
        // The SDK would read `AWS_ENDPOINT_URL_DYNAMODB` itself, and fail on a scheme it cannot
        // connect to: `memory://` there chooses the engine as the argument does.
        let endpoint = self.endpoint_url.clone().or_else(|| {
            std::env::var("AWS_ENDPOINT_URL_DYNAMODB")
                .ok()
                .filter(|url| url.starts_with(crate::engine::SCHEME))
        });
        endpoint.as_deref().map_or(Ok(None), Engine::for_endpoint)
    }

    /// An SDK client whose requests `engine` answers in process. It reads no profile, no
    /// environment and no credential chain, and signs nothing (the engine checks no
    /// signature): a machine that has never seen AWS runs it. The region only names the
    /// endpoint the SDK resolves and never contacts.
    fn connect_engine(&self, engine: Engine) -> aws_sdk_dynamodb::Client {
        let region = self.region.clone().unwrap_or_else(|| "us-east-1".into());
        let retries = self.max_retries.map_or(RetryConfig::standard(), |n| {
            RetryConfig::standard().with_max_attempts(n + 1)
        });
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region))
            .allow_no_auth()
            .endpoint_url("http://memory.invalid")
            .http_client(EngineHttp::new(engine))
            .retry_config(retries)
            // The engine answers within the call, on the calling thread: no timer could ever
            // fire, and arming one per attempt (and a throughput monitor per body) is most of
            // what the SDK would spend besides building the request.
            .timeout_config(TimeoutConfig::disabled())
            .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
            .build();
        aws_sdk_dynamodb::Client::from_conf(config)
    }

    /// The endpoint to name in connection errors.
    pub fn endpoint_label(&self) -> String {
        let from_environment = || std::env::var("AWS_ENDPOINT_URL_DYNAMODB").ok();
        self.endpoint_url
            .clone()
            .or_else(from_environment)
            .unwrap_or_else(|| {
                let region = self
                    .region
                    .clone()
                    .unwrap_or_else(|| "the configured region".into());
                format!("DynamoDB in {region}")
            })
    }
}

/// Requests are signed for a region, and the SDK would only say it has none when the first
/// call fails.
fn check_region(sdk: &aws_config::SdkConfig) -> Result<(), Error> {
    if sdk.region().is_none() {
        return Err(ErrorKind::Configuration {
            message: "no AWS region is configured: pass DynamoClient(region=...), or set \
                      AWS_REGION (or a region in the AWS profile in use)"
                .into(),
        }
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_endpoint_or_region() {
        let local = ClientConfig {
            endpoint_url: Some("http://127.0.0.1:8000".into()),
            ..Default::default()
        };
        assert_eq!(local.endpoint_label(), "http://127.0.0.1:8000");
        let aws = ClientConfig {
            region: Some("eu-west-1".into()),
            ..Default::default()
        };
        assert_eq!(aws.endpoint_label(), "DynamoDB in eu-west-1");
    }

    #[test]
    fn region_and_retries_reach_the_sdk() {
        let config = ClientConfig {
            region: Some("us-east-1".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            access_key_id: Some("id".into()),
            secret_access_key: Some("secret".into()),
            max_retries: Some(0),
            ..Default::default()
        };
        let client = crate::runtime()
            .block_on(config.connect())
            .expect("configured");
        let sdk = client.config();
        assert_eq!(sdk.region().map(|r| r.as_ref()), Some("us-east-1"));
        assert_eq!(sdk.retry_config().map(|r| r.max_attempts()), Some(1));
        let timeouts = sdk.timeout_config().expect("timeouts");
        assert_eq!(timeouts.connect_timeout(), Some(DEFAULT_CONNECT_TIMEOUT));
        assert_eq!(timeouts.read_timeout(), Some(DEFAULT_READ_TIMEOUT));
    }
}
