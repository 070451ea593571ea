//! Where the server listens, who may talk to it, and what it serves.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Request bodies larger than this get 413.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    /// Allow a non-loopback address. Requires `token`.
    pub public: bool,
    /// Every request must carry this token (`Authorization: Bearer …`,
    /// `X-Demarche-Token`, `?token=`, or the session cookie the page gets when
    /// opened with `?token=`). Required with `public`; the CLI makes one on
    /// loopback too unless `--no-token`.
    pub token: Option<String>,
    /// More `Host` names to answer to (beyond the bound address, `localhost`,
    /// `127.0.0.1` and `[::1]`), e.g. behind a reverse proxy.
    pub allow_hosts: Vec<String>,
    /// Ceilings on work, answers, queue and memory.
    pub limits: crate::limits::Limits,
    /// Run store; `None` keeps no record.
    pub store: Option<PathBuf>,
    /// The scenario the page opens with (TOML), and its label.
    pub seed_scenario: String,
    pub seed_label: String,
    /// Version recorded with each run.
    pub version: String,
}

/// Why a configuration is refused before anything listens.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "refusing to listen on {0}: that is reachable from other machines. The workbench listens on \
         127.0.0.1 unless you pass --public, which then requires the access token it prints."
    )]
    NotLoopback(SocketAddr),
    #[error("a public server needs an access token of at least 16 characters")]
    PublicWithoutToken,
    #[error("the access token may hold only letters, digits, `-` and `_`")]
    TokenCharacters,
    #[error("`{0}` is not a host name for --allow-host (e.g. workbench.lan)")]
    AllowHost(String),
}

impl Config {
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_bind(self.addr, self.public)?;
        if self.public && self.token.as_deref().is_none_or(|t| t.len() < 16) {
            return Err(ConfigError::PublicWithoutToken);
        }
        if let Some(t) = &self.token {
            if !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
                return Err(ConfigError::TokenCharacters);
            }
        }
        for h in &self.allow_hosts {
            if h.is_empty() || !h.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._[]:".contains(&b)) {
                return Err(ConfigError::AllowHost(h.clone()));
            }
        }
        Ok(())
    }
}

/// Refuse any address beyond loopback unless `public` was asked for.
pub fn check_bind(addr: SocketAddr, public: bool) -> Result<(), ConfigError> {
    if addr.ip().is_loopback() || public {
        Ok(())
    } else {
        Err(ConfigError::NotLoopback(addr))
    }
}

/// A fresh random token of 32 hex digits.
pub fn generate_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    // The thread generator is a CSPRNG seeded from the operating system.
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_only_unless_public() {
        assert!(check_bind("127.0.0.1:0".parse().unwrap(), false).is_ok());
        assert!(check_bind("[::1]:0".parse().unwrap(), false).is_ok());
        assert!(check_bind("0.0.0.0:8080".parse().unwrap(), false).is_err());
        assert!(check_bind("192.168.1.5:8080".parse().unwrap(), false).is_err());
        assert!(check_bind("0.0.0.0:8080".parse().unwrap(), true).is_ok());
    }

    #[test]
    fn public_needs_a_token() {
        let mut c = Config {
            addr: "0.0.0.0:0".parse().unwrap(),
            public: true,
            token: None,
            store: None,
            allow_hosts: Vec::new(),
            limits: Default::default(),
            seed_scenario: String::new(),
            seed_label: String::new(),
            version: String::new(),
        };
        assert_eq!(c.validate(), Err(ConfigError::PublicWithoutToken));
        c.token = Some(generate_token());
        assert!(c.validate().is_ok());
        c.public = false;
        assert_eq!(c.validate(), Err(ConfigError::NotLoopback(c.addr)), "0.0.0.0 without --public");
        c.public = true;
        c.allow_hosts = vec!["a b".into()];
        assert_eq!(c.validate(), Err(ConfigError::AllowHost("a b".into())));
        c.allow_hosts.clear();
        c.token = Some("x".repeat(15) + "!");
        assert_eq!(c.validate(), Err(ConfigError::TokenCharacters));
    }

    /// The words of each refusal, as they were when these returned `String`.
    #[test]
    fn refusals_keep_their_words() {
        let addr: SocketAddr = "0.0.0.0:8080".parse().unwrap();
        assert_eq!(
            ConfigError::NotLoopback(addr).to_string(),
            "refusing to listen on 0.0.0.0:8080: that is reachable from other machines. The workbench listens on \
             127.0.0.1 unless you pass --public, which then requires the access token it prints."
        );
        assert_eq!(
            ConfigError::PublicWithoutToken.to_string(),
            "a public server needs an access token of at least 16 characters"
        );
        assert_eq!(
            ConfigError::AllowHost("a b".into()).to_string(),
            "`a b` is not a host name for --allow-host (e.g. workbench.lan)"
        );
    }

    #[test]
    fn tokens_are_fresh() {
        let (a, b) = (generate_token(), generate_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }
}
