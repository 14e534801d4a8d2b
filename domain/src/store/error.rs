use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};

/// A storage failure. Its message is for logs: the services wrap it, the edge shows users a
/// generic message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("DynamoDB {operation} failed: {detail}")]
    Call {
        operation: &'static str,
        detail: String,
    },
    #[error("malformed item in {table}: {detail}")]
    Malformed { table: String, detail: String },
    #[error("invalid DynamoDB request: {0}")]
    Build(#[from] aws_sdk_dynamodb::error::BuildError),
    #[error("table {table} did not become active in time")]
    NotActive { table: String },
}

impl StoreError {
    pub fn call<E, R>(operation: &'static str, error: SdkError<E, R>) -> Self
    where
        E: std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        Self::Call {
            operation,
            detail: DisplayErrorContext(&error).to_string(),
        }
    }

    pub fn malformed(table: &str, detail: impl Into<String>) -> Self {
        Self::Malformed {
            table: table.to_owned(),
            detail: detail.into(),
        }
    }
}

impl crate::refusal::Explain for StoreError {
    fn refusal(&self) -> crate::refusal::Refusal {
        match self {
            // A call that failed or timed out: the store is down or slow; trying again helps.
            StoreError::Call { .. } | StoreError::NotActive { .. } => {
                crate::refusal::Refusal::unavailable()
            }
            StoreError::Malformed { .. } | StoreError::Build(_) => {
                crate::refusal::Refusal::internal()
            }
        }
    }
}
