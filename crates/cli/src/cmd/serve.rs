//! `demarche serve`: the local web workbench.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::ExitCode;

use clap::Args;

use super::runs::StoreArgs;
use super::CmdResult;
use crate::input;

#[derive(Args)]
pub struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8470)]
    pub port: u16,
    /// Address to listen on: an IP address or `localhost` (default 127.0.0.1;
    /// 0.0.0.0 with --public).
    #[arg(long, value_name = "ADDR", value_parser = parse_host)]
    pub host: Option<IpAddr>,
    /// Allow connections from other machines; every request then needs the
    /// access token printed at start.
    #[arg(long)]
    pub public: bool,
    /// Also answer to this host name (e.g. behind a reverse proxy or an SSH
    /// tunnel with another name); repeatable. Requests naming any other host
    /// are refused, which stops DNS-rebinding pages.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
    /// On loopback, do not require the per-launch access token (any local
    /// user or program could then read the stored runs).
    #[arg(long, conflicts_with = "public")]
    pub no_token: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

fn parse_host(s: &str) -> Result<IpAddr, String> {
    if s.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    s.parse().map_err(|_| format!("`{s}` is not an IP address or `localhost` (e.g. 127.0.0.1, ::1, 0.0.0.0)"))
}

pub fn run(args: &ServeArgs) -> CmdResult {
    let host = args.host.unwrap_or(if args.public {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    });
    let addr = SocketAddr::new(host, args.port);
    demarche_server::check_bind(addr, args.public)?;
    let token = (!args.no_token).then(demarche_server::generate_token);
    let store = args.store.path();
    let config = demarche_server::Config {
        addr,
        public: args.public,
        token: token.clone(),
        store: store.clone(),
        allow_hosts: args.allow_hosts.clone(),
        limits: Default::default(),
        seed_scenario: input::SEED_SCENARIO.to_string(),
        seed_label: input::SEED_LABEL.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    demarche_server::serve_blocking(config, move |bound| {
        let shown =
            if bound.ip().is_unspecified() { SocketAddr::new(Ipv4Addr::LOCALHOST.into(), bound.port()) } else { bound };
        match &token {
            Some(t) if bound.ip().is_loopback() => {
                println!("demarche workbench on http://{shown}/?token={t}");
                println!("open that link: the page keeps the token in a cookie; API clients send `Authorization: Bearer {t}`");
            }
            Some(t) => {
                println!("demarche workbench on http://{shown}/?token={t}");
                println!("listening on {bound} (public): every request needs the access token {t}");
            }
            None => println!("demarche workbench on http://{shown}/ (no access token: --no-token)"),
        }
        match &store {
            Some(p) => println!("recording runs in {}", p.display()),
            None => println!("not recording runs"),
        }
        println!("press Ctrl-C to stop");
        use std::io::Write;
        let _ = std::io::stdout().flush();
    })?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::parse_host;

    #[test]
    fn host_takes_addresses_and_localhost() {
        assert_eq!(parse_host("localhost").unwrap().to_string(), "127.0.0.1");
        assert_eq!(parse_host("LocalHost").unwrap().to_string(), "127.0.0.1");
        assert_eq!(parse_host("::1").unwrap().to_string(), "::1");
        let err = parse_host("example.org").unwrap_err();
        assert!(err.contains("not an IP address or `localhost`"), "{err}");
    }
}
