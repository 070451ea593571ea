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
    /// Address to listen on (default 127.0.0.1; 0.0.0.0 with --public).
    #[arg(long, value_name = "ADDR")]
    pub host: Option<IpAddr>,
    /// Allow connections from other machines; every request then needs the
    /// access token printed at start.
    #[arg(long)]
    pub public: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub fn run(args: &ServeArgs) -> CmdResult {
    let host = args.host.unwrap_or(if args.public {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    });
    let addr = SocketAddr::new(host, args.port);
    demarche_server::check_bind(addr, args.public)?;
    let token = args.public.then(demarche_server::generate_token);
    let store = args.store.path();
    let config = demarche_server::Config {
        addr,
        public: args.public,
        token: token.clone(),
        store: store.clone(),
        seed_scenario: input::SEED_SCENARIO.to_string(),
        seed_label: input::SEED_LABEL.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    demarche_server::serve_blocking(config, move |bound| {
        let shown =
            if bound.ip().is_unspecified() { SocketAddr::new(Ipv4Addr::LOCALHOST.into(), bound.port()) } else { bound };
        match &token {
            Some(t) => {
                println!("demarche workbench on http://{shown}/?token={t}");
                println!("listening on {bound} (public): every request needs the access token {t}");
            }
            None => println!("demarche workbench on http://{shown}/"),
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
