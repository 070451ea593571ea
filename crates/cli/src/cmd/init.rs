//! `demarche init`: a commented scenario template that passes `check`, to
//! fill in with the situation's actors, issues and stances.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Args;

use super::CmdResult;

#[derive(Args)]
pub struct InitArgs {
    /// Actors in the template.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(2..=50))]
    pub actors: u16,
    /// Issues in the template.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=20))]
    pub issues: u16,
}

pub fn run(args: &InitArgs) -> CmdResult {
    let text = template(usize::from(args.actors), usize::from(args.issues));
    // `-o FILE` never replaces an existing file: a filled-in scenario is work.
    match &crate::output::take_target() {
        None => out!("{text}"),
        Some(path) => {
            if path.exists() {
                return Err(format!(
                    "{} exists; hint: choose another name, or remove it first (init never overwrites a file)",
                    path.display()
                )
                .into());
            }
            crate::output::write(path, &text)?;
            eprintln!("wrote {}; next: `demarche check {}`", path.display(), path.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The template: every field a scenario can carry, each with a comment on
/// what it means, the stances spread over the scale so that the models have
/// something to do.
pub fn template(actors: usize, issues: usize) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# A demarche scenario: replace every value below with the situation's own, each in the\n\
         # terms its side states, with a note and a source. `demarche check FILE` reports every\n\
         # problem at once; `demarche forecast FILE` runs the models; docs/models.md has the formulas.\n\n\
         [meta]\n\
         title = \"New scenario\"\n\
         as_of = 2025-01-01          # the date the scenario describes; nothing after it may be used\n\
         author = \"\"\n\
         description = \"\"\"\n\
         What the talks are about, who takes part and why now. Blank lines separate paragraphs.\n\
         \"\"\"\n\n\
         # Where the numbers come from; stances, actors and relations cite these ids.\n\
         [[meta.sources]]\n\
         id = \"src1\"\n\
         title = \"A public statement, report or article\"\n\
         publisher = \"Its publisher\"\n\
         date = \"2025-01-01\"\n\
         url = \"https://example.org/statement\"\n"
    );
    for a in 1..=actors {
        let _ = writeln!(
            t,
            "[[actors]]\n\
             id = \"actor{a}\"               # a short id: stances, relations and --set use it\n\
             name = \"Actor {a}\"\n\
             kind = \"state\"              # state | faction | non_state | organisation | mediator\n\
             capability = {}            # relative power to shape these talks, on any scale shared by all actors\n\
             sources = [\"src1\"]\n",
            [100, 60, 40, 30, 20][(a - 1) % 5]
        );
    }
    for i in 1..=issues {
        let _ = writeln!(
            t,
            "[[issues]]\n\
             id = \"issue{i}\"\n\
             name = \"Issue {i}\"\n\
             min = 0\n\
             max = 100\n\
             unit = \"index 0–100\"      # the scale's unit, e.g. \"%\" or \"kg\"\n\
             low = \"what an outcome at min means, in words\"\n\
             high = \"what an outcome at max means, in words\"\n\
             status_quo = 50            # the outcome if nothing is agreed\n\
             anchors = [{{ at = 25, label = \"a named point on the scale, e.g. an earlier deal\" }}]\n"
        );
    }
    for a in 1..=actors {
        for i in 1..=issues {
            // Spread over the scale so that the template has something to negotiate.
            let position = if actors == 1 { 50 } else { 10 + 80 * (a - 1) / (actors - 1) };
            let _ = writeln!(
                t,
                "[[stances]]\n\
                 actor = \"actor{a}\"\n\
                 issue = \"issue{i}\"\n\
                 position = {position}            # where it stands, on the issue's scale\n\
                 salience = 0.5             # how much the issue matters to it, 0–1\n\
                 position_sd = 5            # how unsure the position is (the simulation draws from it)\n\
                 note = \"Stated: who said what, when; or Inferred: from what\"\n\
                 sources = [\"src1\"]\n"
            );
        }
    }
    if actors >= 2 {
        let _ = writeln!(
            t,
            "[[relations]]\n\
             kind = \"influences\"         # mediates | influences | allied | proxy_of | hostile | veto\n\
             from = \"actor2\"\n\
             to = \"actor1\"\n\
             weight = 0.3               # 0–1\n\
             sources = [\"src1\"]"
        );
    }
    t
}
