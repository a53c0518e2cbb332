//! `sunshine draw verify FILE.json`: re-runs a published draw (docs/draws.md) and says whether
//! its result is the only result of its inputs; and `sunshine bench draw-fairness`: inclusion
//! frequencies over many simulated draws against the exact chances of docs/draws.md §7.3.

use std::path::{Path, PathBuf};

use app::domain::draw::{
    announce, verify_json, Announcement, Chance, Draw, Entry, Panel, PoolMember, Proposal,
    SpotCheck, Stratum, Subject, Verified,
};

#[derive(clap::Subcommand, Debug)]
pub enum DrawCommand {
    /// Re-run a published draw file: exit 0 and "✓" when its pool hash, seed and result are the
    /// only ones its inputs give; otherwise exit 1 and say where it differs.
    Verify {
        /// The JSON file downloaded from /draws/{id} (docs/draws.md §8).
        file: PathBuf,
    },
}

/// Runs a `draw` command; returns the process exit code (0 verified, 1 differs, 2 unreadable).
pub fn run(cmd: DrawCommand) -> i32 {
    match cmd {
        DrawCommand::Verify { file } => match verify_path(&file) {
            Ok(report) => {
                println!("{report}");
                0
            }
            Err((code, message)) => {
                eprintln!("✗ {}: {message}", file.display());
                code
            }
        },
    }
}

fn verify_path(path: &Path) -> Result<String, (i32, String)> {
    let text = std::fs::read_to_string(path).map_err(|e| (2, format!("cannot read: {e}")))?;
    match verify_json(&text).map_err(|m| (1, m.to_string()))? {
        Verified::Announced(a) => Ok(format!(
            "✓ announcement {} ({}): pool hash {} is that of its inputs; not drawn yet\n  purpose: {}\n  randomness to come: {} ({})",
            a.draw_id(),
            kind(&a),
            a.pool_hash(),
            a.purpose(),
            a.randomness_source(),
            a.randomness_format(),
        )),
        Verified::Drawn(d) => Ok(drawn_report(&d)),
    }
}

fn kind(a: &Announcement) -> &'static str {
    match a.subject() {
        Subject::Panel(_) => "review panel 民主评议小组",
        Subject::SpotCheck(_) => "spot-check 入户抽查",
    }
}

fn drawn_report(d: &Draw) -> String {
    let a = d.announcement();
    let selected = d
        .selected()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "✓ draw {} ({}): the published result is the only result of its inputs\n  purpose: {}\n  randomness: {} — {}\n  pool hash: {}\n  seed: {}\n  selected ({}): {selected}",
        a.draw_id(),
        kind(a),
        a.purpose(),
        d.randomness().as_str(),
        a.randomness_source(),
        a.pool_hash(),
        d.seed(),
        d.selected().len(),
    )
}

// ---------------------------------------------------------------------------------------------
// Fairness by simulation (a benchmark: it prints figures, it asserts nothing)
// ---------------------------------------------------------------------------------------------

fn member(id: &str, stratum: Stratum, group: Option<&str>, near_relative: bool) -> PoolMember {
    PoolMember {
        id: id.to_owned(),
        name: "王*明".to_owned(),
        stratum,
        group: group.map(str::to_owned),
        near_relative,
    }
}

/// A pool with every case of §7.1: 5 cadres (one recused); groups G1–G4 where G1's leader serves,
/// G2's leader stands aside (回避), G3 is not involved and G4 has no leader; 30 residents, two
/// recused. Panel of 11 with 2 cadres, involved groups G1, G2, G4.
fn panel_scenario() -> Announcement {
    let mut pool = Vec::new();
    for i in 1..=5 {
        pool.push(member(&format!("C{i}"), Stratum::Cadre, None, i == 5));
    }
    pool.push(member("L-G1", Stratum::Leader, Some("G1"), false));
    pool.push(member("L-G2", Stratum::Leader, Some("G2"), true));
    pool.push(member("L-G3", Stratum::Leader, Some("G3"), false));
    for i in 1..=30 {
        let group = format!("G{}", (i - 1) % 4 + 1);
        pool.push(member(
            &format!("R{i:02}"),
            Stratum::Resident,
            Some(&group),
            i == 7 || i == 20,
        ));
    }
    announce(Proposal {
        draw_id: "FAIR-PANEL".into(),
        purpose: "fairness simulation: review panel".into(),
        randomness_source: "simulated".into(),
        randomness_format: "hex:16".into(),
        subject: Subject::Panel(Panel {
            panel_size: 11,
            min_cadres: 2,
            groups: vec!["G1".into(), "G2".into(), "G4".into()],
            pool,
        }),
    })
    .expect("the scenario is a valid draw")
}

/// A 审核 batch of 60 households, 6 of them near-relative cases, checked at 30%.
fn spot_check_scenario() -> Announcement {
    let entries = (1..=60)
        .map(|i| Entry {
            entry_ref: format!("E{i:02}"),
            near_relative: i % 10 == 0,
        })
        .collect();
    announce(Proposal {
        draw_id: "FAIR-SPOT".into(),
        purpose: "fairness simulation: spot-check".into(),
        randomness_source: "simulated".into(),
        randomness_format: "hex:16".into(),
        subject: Subject::SpotCheck(SpotCheck {
            rate_percent: 30,
            entries,
        }),
    })
    .expect("the scenario is a valid draw")
}

struct Worst {
    absolute: f64,
    relative: f64,
    /// In standard deviations of a frequency over this many draws: how surprising it is.
    z: f64,
    members: usize,
}

/// Draws `draws` times with randomness 0, 1, 2, … (as the announced 16 hex digits) and prints each
/// non-required eligible member's frequency against its exact chance.
fn simulate(title: &str, a: &Announcement, draws: u64) -> Worst {
    let chances: Vec<Chance> = a.inclusion_chances();
    let index = |id: &str| chances.iter().position(|c| c.id == id);
    let mut counts = vec![0u64; chances.len()];
    let started = std::time::Instant::now();
    for i in 0..draws {
        let d = a
            .draw(&format!("{i:016x}"))
            .expect("16 hex digits is the announced format");
        for s in d.selected() {
            if let Some(k) = index(&s.id) {
                counts[k] += 1;
            }
        }
    }
    let elapsed = started.elapsed();
    println!("\n{title}: {draws} draws in {:.1} s", elapsed.as_secs_f64());
    println!(
        "{:<8} {:>9} {:>9} {:>9} {:>9} {:>6}",
        "member", "expected", "observed", "diff pp", "diff rel", "z"
    );
    let mut worst = Worst {
        absolute: 0.0,
        relative: 0.0,
        z: 0.0,
        members: 0,
    };
    let mut skipped = Vec::new();
    for (c, &n) in chances.iter().zip(&counts) {
        if c.required || c.probability == 0.0 {
            let observed = n as f64 / draws as f64;
            skipped.push(format!("{} {observed:.4}", c.id));
            continue;
        }
        let observed = n as f64 / draws as f64;
        let diff = observed - c.probability;
        let sigma = (c.probability * (1.0 - c.probability) / draws as f64).sqrt();
        worst.absolute = worst.absolute.max(diff.abs());
        worst.relative = worst.relative.max(diff.abs() / c.probability);
        worst.z = worst.z.max(diff.abs() / sigma);
        worst.members += 1;
        println!(
            "{:<8} {:>9.5} {:>9.5} {:>+9.3} {:>+8.2}% {:>+6.1}",
            c.id,
            c.probability,
            observed,
            diff * 100.0,
            diff / c.probability * 100.0,
            diff / sigma
        );
    }
    println!(
        "required or recused (always 1 or 0, observed): {}",
        skipped.join(", ")
    );
    println!(
        "largest deviation: {:.3} percentage points ({:.2}% of the expected value); largest |z| {:.1}",
        worst.absolute * 100.0,
        worst.relative * 100.0,
        worst.z
    );
    worst
}

/// `sunshine bench draw-fairness`.
pub fn fairness(draws: u64) {
    println!(
        "Fairness of sunshine-draw/1 by simulation (docs/draws.md §7.3 gives the exact chances)."
    );
    let panel = simulate(
        "Review panel: 38 members (1 cadre, 1 leader, 2 residents recused), 11 seats, 2 cadres, groups G1 (leader), G2 (leader recused), G4 (no leader)",
        &panel_scenario(),
        draws,
    );
    let spot = simulate(
        "Spot-check: 60 households, 6 near-relative, 30% of the other 54 = 17",
        &spot_check_scenario(),
        draws,
    );
    println!(
        "\nOverall largest deviation from the expected inclusion frequency over {draws} draws: {:.3} percentage points, {:.2}% relative, |z| {:.1} (sampling noise alone gives a largest |z| of about 2–3 over these {} members)",
        panel.absolute.max(spot.absolute) * 100.0,
        panel.relative.max(spot.relative) * 100.0,
        panel.z.max(spot.z),
        panel.members + spot.members
    );
}
