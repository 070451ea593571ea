//! The crate's error type: every failure on user input is one of these, never a panic.

use std::path::{Path, PathBuf};

/// What went wrong loading or analysing a negotiation domain.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NegotiationError {
    /// A file could not be read.
    #[error("{}: cannot read: {message}", path.display())]
    Io { path: PathBuf, message: String },
    /// A file is not well-formed XML/JSON, or not in a format we recognise.
    #[error("{}{message}", location(file))]
    Parse { file: Option<PathBuf>, message: String },
    /// The content is well formed but inconsistent (unknown value, bad weights, empty issue...).
    #[error("{}{message}", location(file))]
    Invalid { file: Option<PathBuf>, message: String },
    /// The request would need more work or memory than the configured limit.
    #[error("{message}")]
    TooLarge { message: String },
}

fn location(file: &Option<PathBuf>) -> String {
    file.as_ref().map(|p| format!("{}: ", p.display())).unwrap_or_default()
}

impl NegotiationError {
    /// An [`NegotiationError::Invalid`] without a file (the loader adds it).
    pub fn invalid(message: impl Into<String>) -> Self {
        NegotiationError::Invalid { file: None, message: message.into() }
    }

    /// A [`NegotiationError::Parse`] without a file.
    pub fn parse(message: impl Into<String>) -> Self {
        NegotiationError::Parse { file: None, message: message.into() }
    }

    /// A [`NegotiationError::TooLarge`].
    pub fn too_large(message: impl Into<String>) -> Self {
        NegotiationError::TooLarge { message: message.into() }
    }

    /// Attaches `path` to a file-less parse/invalid error.
    pub fn in_file(self, path: &Path) -> Self {
        match self {
            NegotiationError::Parse { file: None, message } => {
                NegotiationError::Parse { file: Some(path.to_path_buf()), message }
            }
            NegotiationError::Invalid { file: None, message } => {
                NegotiationError::Invalid { file: Some(path.to_path_buf()), message }
            }
            other => other,
        }
    }
}
