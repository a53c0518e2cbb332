//! Tests of `domain::draw` against docs/draws.md: its known-answer vectors, every refusal of §4,
//! verification, and the laws the protocol promises (proptest). The comparison with the Python
//! reference implementation is in `reference.rs`.

use super::*;
use proptest::prelude::*;

mod reference;

const DOC: &str = include_str!("../../../../docs/draws.md");
const VECTORS: &[(&str, &str)] = &[
    (
        "panel-basic.json",
        include_str!("../../../../docs/draws/panel-basic.json"),
    ),
    (
        "panel-recusal.json",
        include_str!("../../../../docs/draws/panel-recusal.json"),
    ),
    (
        "spot-basic.json",
        include_str!("../../../../docs/draws/spot-basic.json"),
    ),
    (
        "spot-rate.json",
        include_str!("../../../../docs/draws/spot-rate.json"),
    ),
];

// --- builders ------------------------------------------------------------------------------------

fn member(id: &str, stratum: Stratum, group: Option<&str>, near_relative: bool) -> PoolMember {
    PoolMember {
        id: id.to_owned(),
        name: format!("王*{}", id.len()),
        stratum,
        group: group.map(str::to_owned),
        near_relative,
    }
}

/// 34 members: cadres c1–c4, leaders l1–l4 of g1–g4, residents r01–r26 spread over g1–g4.
fn base_pool() -> Vec<PoolMember> {
    let mut pool: Vec<PoolMember> = (1..=4)
        .map(|i| member(&format!("c{i}"), Stratum::Cadre, None, false))
        .collect();
    for g in 1..=4 {
        let group = format!("g{g}");
        pool.push(member(
            &format!("l{g}"),
            Stratum::Leader,
            Some(&group),
            false,
        ));
    }
    for i in 1..=26 {
        let group = format!("g{}", i % 4 + 1);
        pool.push(member(
            &format!("r{i:02}"),
            Stratum::Resident,
            Some(&group),
            false,
        ));
    }
    pool
}

fn panel_proposal(
    pool: Vec<PoolMember>,
    panel_size: u32,
    min_cadres: u32,
    groups: &[&str],
) -> Proposal {
    Proposal {
        draw_id: "D1".into(),
        purpose: "八宝村 2026年7月 民主评议小组".into(),
        randomness_source: "2026-07-15 福彩3D + 排列5".into(),
        randomness_format: "digits:8".into(),
        subject: Subject::Panel(Panel {
            panel_size,
            min_cadres,
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            pool,
        }),
    }
}

fn base_panel() -> Proposal {
    panel_proposal(base_pool(), 9, 2, &["g1", "g3"])
}

fn entries(n: usize, near: &[usize]) -> Vec<Entry> {
    (0..n)
        .map(|i| Entry {
            entry_ref: format!("E{i:03}"),
            near_relative: near.contains(&i),
        })
        .collect()
}

fn spot_proposal(entries: Vec<Entry>, rate_percent: u32) -> Proposal {
    Proposal {
        draw_id: "S1".into(),
        purpose: "龙头山镇 审核批次 入户抽查".into(),
        randomness_source: "2026-07-15 福彩3D".into(),
        randomness_format: "digits:3".into(),
        subject: Subject::SpotCheck(SpotCheck {
            rate_percent,
            entries,
        }),
    }
}

fn base_spot() -> Proposal {
    spot_proposal(entries(20, &[3, 10]), 30)
}

fn panel_mut(p: &mut Proposal) -> &mut Panel {
    match &mut p.subject {
        Subject::Panel(panel) => panel,
        Subject::SpotCheck(_) => unreachable!("a panel proposal"),
    }
}

fn spot_mut(p: &mut Proposal) -> &mut SpotCheck {
    match &mut p.subject {
        Subject::SpotCheck(s) => s,
        Subject::Panel(_) => unreachable!("a spot-check proposal"),
    }
}

fn pool_member<'a>(p: &'a mut Proposal, id: &str) -> &'a mut PoolMember {
    panel_mut(p)
        .pool
        .iter_mut()
        .find(|m| m.id == id)
        .expect("member exists")
}

fn drawn(p: Proposal, randomness: &str) -> Draw {
    announce(p)
        .expect("valid proposal")
        .draw(randomness)
        .expect("valid randomness")
}

// --- known answers (docs/draws.md §5, §9) ----------------------------------------------------------

#[test]
fn generator_known_answers() {
    let seed = Hash(std::array::from_fn(|i| i as u8));
    let mut g = Generator::new(&seed);
    let words: Vec<u32> = (0..8).map(|_| g.next_word()).collect();
    assert_eq!(
        words,
        [
            2849432832, 691701949, 952885779, 3497703199, 2360485253, 1376201217, 3186738187,
            3844601040
        ]
    );
    let mut g = Generator::new(&seed);
    let tens: Vec<u32> = (0..8).map(|_| g.uniform(10)).collect();
    assert_eq!(tens, [2, 9, 9, 9, 3, 7, 7, 0]);
    let mut g = Generator::new(&seed);
    let big: Vec<u32> = (0..8).map(|_| g.uniform(3 << 30)).collect();
    assert_eq!(
        big,
        [
            2849432832, 691701949, 952885779, 2360485253, 1376201217, 3186738187, 1617019960,
            1836717960
        ]
    );
    // Two words were rejected: the next word read is the 11th of the stream.
    let mut fresh = Generator::new(&seed);
    let eleventh = (0..11).map(|_| fresh.next_word()).last();
    assert_eq!(Some(g.next_word()), eleventh);
    for (what, value) in [
        (
            "block(0)",
            "a9d6e500293a88bd38cbe213d07ab71f8cb2258552072a01bdf1c40be527f4d0",
        ),
        ("uniform(10)", "`2, 9, 9, 9, 3, 7, 7, 0`"),
    ] {
        assert!(DOC.contains(value), "docs/draws.md §9.1 states {what}");
    }
}

#[test]
fn seed_known_answer() {
    let s = seed(&Hash([0; 32]), "12345678", "D1", ALGORITHM);
    let want = "d9d7ebae3ba84148f714c57760e29eb84c8b2e65a829245f904b6c090fa63bbe";
    assert_eq!(s.to_hex(), want);
    assert!(DOC.contains(want), "docs/draws.md §9.2 states it");
}

#[test]
fn every_vector_file_verifies_and_is_stated_in_the_doc() {
    for (name, text) in VECTORS {
        let verified = verify_json(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let Verified::Drawn(draw) = verified else {
            panic!("{name} is a drawn file")
        };
        let file: DrawFile = serde_json::from_str(text).expect("json");
        let selected = draw
            .selected()
            .iter()
            .map(|s| format!("{} ({})", s.id, s.reason.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        let stated = format!(
            "**`{name}`** — randomness `{}` ({})\n\n- pool hash `{}`\n- seed `{}`\n- selected, in order: {selected}\n",
            file.randomness.as_deref().unwrap_or_default(),
            file.randomness_format,
            draw.announcement().pool_hash(),
            draw.seed(),
        );
        assert!(
            DOC.contains(&stated),
            "docs/draws.md §9.3 states:\n{stated}"
        );
    }
}

#[test]
fn vector_outcomes_exercise_what_the_doc_says() {
    let reasons = |text: &str| -> Vec<Reason> {
        let file: DrawFile = serde_json::from_str(text).expect("json");
        file.selected
            .expect("drawn")
            .iter()
            .map(|s| s.reason)
            .collect()
    };
    use Reason::*;
    assert_eq!(
        reasons(VECTORS[0].1),
        [Cadre, Cadre, Leader, Leader, Random, Random, Random, Random, Random]
    );
    assert_eq!(
        reasons(VECTORS[1].1),
        [
            Cadre, Cadre, Cadre, Substitute, Substitute, Leader, Random, Random, Random, Random,
            Random
        ]
    );
    assert_eq!(reasons(VECTORS[2].1).len(), 3 + 6);
    assert_eq!(reasons(VECTORS[3].1), [Random; 4]);
}

#[test]
fn canonical_snapshot_matches_the_doc_example() {
    let file: DrawFile = serde_json::from_str(VECTORS[3].1).expect("json");
    let a = announce(file.proposal().expect("one kind")).expect("valid");
    let bytes = a.canonical_snapshot();
    assert_eq!(bytes.len(), 286);
    let shown = String::from_utf8(bytes)
        .expect("utf-8")
        .replace('\t', "␉")
        .replace('\n', "␊\n");
    assert!(DOC.contains(&format!("```\n{shown}```")), "{shown}");
    assert!(DOC.contains("the 11 bytes\n`6b 69 6e 64 09 70 61 6e 65 6c 0a`"));
}

#[test]
fn canonical_snapshot_of_a_panel_line_by_line() {
    let mut p = panel_proposal(base_pool(), 9, 2, &["g3", "g1"]);
    pool_member(&mut p, "l1").near_relative = true;
    let a = announce(p).expect("valid");
    let text = String::from_utf8(a.canonical_snapshot()).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "kind\tpanel");
    assert_eq!(lines[1], "purpose\t八宝村 2026年7月 民主评议小组");
    assert_eq!(lines[3], "randomness_format\tdigits:8");
    assert_eq!(
        lines[4..8],
        ["panel_size\t9", "min_cadres\t2", "group\tg1", "group\tg3"]
    );
    assert_eq!(lines[8], "member\tc1\tcadre\t\t0\t王*2");
    assert!(lines.contains(&"member\tl1\tleader\tg1\t1\t王*2"));
    assert_eq!(lines.len(), 8 + 34);
    assert!(text.ends_with('\n'));
}

// --- refusals (docs/draws.md §4) ---------------------------------------------------------------------

type Mutation = fn(&mut Proposal);

#[test]
fn panel_refusals() {
    let cases: &[(&str, Mutation, &str)] = &[
        ("valid as built", |_| {}, "ok"),
        (
            "draw id with a space",
            |p| p.draw_id = "D 1".into(),
            "bad_draw_id",
        ),
        ("empty draw id", |p| p.draw_id.clear(), "bad_draw_id"),
        (
            "65-char draw id",
            |p| p.draw_id = "a".repeat(65),
            "bad_draw_id",
        ),
        ("64-char draw id", |p| p.draw_id = "a".repeat(64), "ok"),
        (
            "Chinese draw id",
            |p| p.draw_id = "抽取1".into(),
            "bad_draw_id",
        ),
        ("empty purpose", |p| p.purpose.clear(), "bad_purpose"),
        (
            "purpose with a newline",
            |p| p.purpose = "a\nb".into(),
            "bad_purpose",
        ),
        (
            "purpose with a tab",
            |p| p.purpose = "a\tb".into(),
            "bad_purpose",
        ),
        (
            "purpose with a C1 control",
            |p| p.purpose = "a\u{85}b".into(),
            "bad_purpose",
        ),
        (
            "201-char purpose",
            |p| p.purpose = "评".repeat(201),
            "bad_purpose",
        ),
        ("200-char purpose", |p| p.purpose = "评".repeat(200), "ok"),
        (
            "empty source",
            |p| p.randomness_source.clear(),
            "bad_randomness_source",
        ),
        (
            "pool of 10,001",
            |p| {
                let pool = &mut panel_mut(p).pool;
                for i in 0..(MAX_POOL + 1 - 34) {
                    pool.push(member(
                        &format!("x{i}"),
                        Stratum::Resident,
                        Some("g9"),
                        false,
                    ));
                }
            },
            "pool_too_large",
        ),
        (
            "member id with a slash",
            |p| pool_member(p, "r01").id = "r/1".into(),
            "bad_member",
        ),
        (
            "member with an empty name",
            |p| pool_member(p, "r01").name.clear(),
            "bad_member",
        ),
        (
            "member name with a tab",
            |p| pool_member(p, "r01").name = "王\t明".into(),
            "bad_member",
        ),
        (
            "41-char name",
            |p| pool_member(p, "r01").name = "明".repeat(41),
            "bad_member",
        ),
        (
            "cadre in a group",
            |p| pool_member(p, "c1").group = Some("g1".into()),
            "bad_member",
        ),
        (
            "resident without a group",
            |p| pool_member(p, "r01").group = None,
            "bad_member",
        ),
        (
            "leader without a group",
            |p| pool_member(p, "l2").group = None,
            "bad_member",
        ),
        (
            "group id with a space",
            |p| pool_member(p, "r01").group = Some("g 1".into()),
            "bad_member",
        ),
        (
            "duplicate member",
            |p| {
                let m = pool_member(p, "r01").clone();
                panel_mut(p).pool.push(m);
            },
            "duplicate_member",
        ),
        (
            "duplicate beats too small",
            |p| {
                let panel = panel_mut(p);
                panel.pool.truncate(20);
                let m = panel.pool[0].clone();
                panel.pool.push(m);
            },
            "duplicate_member",
        ),
        (
            "pool of 29",
            |p| {
                panel_mut(p).pool.retain(|m| {
                    m.id != "r25"
                        && m.id != "r26"
                        && m.id != "r24"
                        && m.id != "r22"
                        && m.id != "r21"
                });
            },
            "pool_too_small",
        ),
        (
            "pool of 30",
            |p| {
                panel_mut(p)
                    .pool
                    .retain(|m| m.id != "r25" && m.id != "r26" && m.id != "r24" && m.id != "r22");
            },
            "ok",
        ),
        (
            "recused members still count",
            |p| {
                for m in &mut panel_mut(p).pool {
                    if m.id.starts_with("r1") {
                        m.near_relative = true;
                    }
                }
            },
            "ok",
        ),
        (
            "panel of 8",
            |p| panel_mut(p).panel_size = 8,
            "bad_panel_size",
        ),
        (
            "panel of 0",
            |p| panel_mut(p).panel_size = 0,
            "bad_panel_size",
        ),
        (
            "one cadre",
            |p| panel_mut(p).min_cadres = 1,
            "bad_min_cadres",
        ),
        ("no groups", |p| panel_mut(p).groups.clear(), "bad_groups"),
        (
            "group named twice",
            |p| panel_mut(p).groups.push("g1".into()),
            "bad_groups",
        ),
        (
            "group id not a token",
            |p| panel_mut(p).groups.push("一组".into()),
            "bad_groups",
        ),
        (
            "two leaders of an uninvolved group",
            |p| {
                pool_member(p, "r05").stratum = Stratum::Leader;
            },
            "two_leaders",
        ),
        (
            "two leaders even if one is recused",
            |p| {
                pool_member(p, "l1").near_relative = true;
                pool_member(p, "r04").stratum = Stratum::Leader;
                pool_member(p, "r04").group = Some("g1".into());
            },
            "two_leaders",
        ),
        (
            "two of four cadres recused",
            |p| {
                pool_member(p, "c1").near_relative = true;
                pool_member(p, "c2").near_relative = true;
            },
            "ok",
        ),
        (
            "three of four cadres recused",
            |p| {
                for c in ["c1", "c2", "c3"] {
                    pool_member(p, c).near_relative = true;
                }
            },
            "too_few_cadres",
        ),
        (
            "five cadres wanted, four in the pool",
            |p| panel_mut(p).min_cadres = 5,
            "too_few_cadres",
        ),
        (
            "leader recused: a resident substitutes",
            |p| pool_member(p, "l1").near_relative = true,
            "ok",
        ),
        (
            "group nobody can represent",
            |p| {
                for m in &mut panel_mut(p).pool {
                    if m.group.as_deref() == Some("g3") {
                        m.near_relative = true;
                    }
                }
            },
            "group_without_member",
        ),
        (
            "group absent from the pool",
            |p| panel_mut(p).groups.push("g7".into()),
            "group_without_member",
        ),
        (
            "required seats do not fit",
            |p| {
                let panel = panel_mut(p);
                panel.min_cadres = 4;
                panel.groups = vec!["g1".into(), "g2".into(), "g3".into(), "g4".into()];
                panel.pool.push(member("c5", Stratum::Cadre, None, false));
                panel.pool.push(member("c6", Stratum::Cadre, None, false));
                panel.min_cadres = 6;
            },
            "panel_too_small",
        ),
        (
            "required seats exactly fit",
            |p| {
                let panel = panel_mut(p);
                panel.groups = vec!["g1".into(), "g2".into(), "g3".into(), "g4".into()];
                panel.pool.push(member("c5", Stratum::Cadre, None, false));
                panel.min_cadres = 5;
            },
            "ok",
        ),
        (
            "too few eligible",
            |p| {
                for m in &mut panel_mut(p).pool {
                    if m.stratum == Stratum::Resident && m.id.as_str() > "r05" {
                        m.near_relative = true;
                    }
                }
                panel_mut(p).panel_size = 14;
            },
            "too_few_eligible",
        ),
        (
            "panel of the whole eligible pool",
            |p| panel_mut(p).panel_size = 34,
            "ok",
        ),
        (
            "panel larger than the pool",
            |p| panel_mut(p).panel_size = 35,
            "too_few_eligible",
        ),
    ];
    for (name, mutate, want) in cases {
        let mut p = base_panel();
        mutate(&mut p);
        assert_eq!(outcome(p), *want, "{name}");
    }
    // The randomness format, written exactly as the method names it.
    for (format, want) in [
        ("digits:0", "bad_randomness_format"),
        ("digits:08", "bad_randomness_format"),
        ("dice:257", "bad_randomness_format"),
        ("hex:256", "ok"),
        ("Hex:4", "bad_randomness_format"),
        ("digits: 8", "bad_randomness_format"),
        ("digits:+8", "bad_randomness_format"),
        ("digits", "bad_randomness_format"),
    ] {
        let mut p = base_panel();
        p.randomness_format = format.into();
        assert_eq!(outcome(p), want, "format {format}");
    }
}

/// "ok", or the code of the refusal (which always says why).
fn outcome(p: Proposal) -> &'static str {
    match announce(p) {
        Ok(_) => "ok",
        Err(e) => {
            assert!(!e.to_string().is_empty());
            e.code()
        }
    }
}

#[test]
fn spot_check_refusals() {
    let cases: &[(&str, Mutation, &str)] = &[
        ("valid as built", |_| {}, "ok"),
        (
            "bad draw id first",
            |p| {
                p.draw_id = "a b".into();
                spot_mut(p).rate_percent = 10;
            },
            "bad_draw_id",
        ),
        (
            "100,001 entries",
            |p| spot_mut(p).entries = entries(MAX_ENTRIES + 1, &[]),
            "too_many_entries",
        ),
        (
            "ref with a space",
            |p| spot_mut(p).entries[4].entry_ref = "E 4".into(),
            "bad_entry",
        ),
        (
            "empty ref",
            |p| spot_mut(p).entries[4].entry_ref.clear(),
            "bad_entry",
        ),
        (
            "ref listed twice",
            |p| spot_mut(p).entries[4].entry_ref = "E005".into(),
            "duplicate_entry",
        ),
        ("no entries", |p| spot_mut(p).entries.clear(), "no_entries"),
        (
            "no entries, bad rate",
            |p| {
                spot_mut(p).entries.clear();
                spot_mut(p).rate_percent = 5;
            },
            "no_entries",
        ),
        ("rate 29%", |p| spot_mut(p).rate_percent = 29, "bad_rate"),
        ("rate 30%", |p| spot_mut(p).rate_percent = 30, "ok"),
        ("rate 100%", |p| spot_mut(p).rate_percent = 100, "ok"),
        ("rate 101%", |p| spot_mut(p).rate_percent = 101, "bad_rate"),
        ("one entry", |p| spot_mut(p).entries = entries(1, &[]), "ok"),
        (
            "only near relatives",
            |p| spot_mut(p).entries = entries(3, &[0, 1, 2]),
            "ok",
        ),
    ];
    for (name, mutate, want) in cases {
        let mut p = base_spot();
        mutate(&mut p);
        let got = outcome(p);
        assert_eq!(got, *want, "{name}");
    }
}

#[test]
fn refusal_messages_name_the_problem() {
    let mut p = base_panel();
    panel_mut(&mut p).pool.truncate(25);
    let e = announce(p).expect_err("too small");
    assert_eq!(
        e.to_string(),
        "the pool has 25 members; at least 30 are required (评议库不少于30人)"
    );
    let mut p = base_panel();
    pool_member(&mut p, "c1").group = Some("g1".into());
    assert_eq!(
        announce(p).expect_err("cadre in group").to_string(),
        "pool member \"c1\": a township cadre belongs to no village group"
    );
    let mut p = base_spot();
    spot_mut(&mut p).rate_percent = 25;
    assert!(announce(p).expect_err("rate").to_string().contains("25%"));
}

#[test]
fn randomness_must_have_the_announced_shape() {
    let cases: &[(&str, &str, bool)] = &[
        ("digits:3", "372", true),
        ("digits:3", "37", false),
        ("digits:3", "3720", false),
        ("digits:3", " 372", false),
        ("digits:3", "37a", false),
        ("digits:3", "３７２", false),
        ("dice:4", "1634", true),
        ("dice:4", "1637", false),
        ("dice:4", "0634", false),
        ("hex:4", "0a9f", true),
        ("hex:4", "0A9F", false),
        ("hex:4", "0a9g", false),
    ];
    for (format, value, ok) in cases {
        let f = RandomnessFormat::parse(format).expect("format");
        assert_eq!(f.to_string(), *format);
        assert_eq!(
            Randomness::parse(f, value).is_ok(),
            *ok,
            "{format} {value:?}"
        );
    }
    let a = announce(base_spot()).expect("valid");
    let e = a.draw("12").expect_err("two digits");
    assert_eq!(
        e.to_string(),
        "the randomness must be exactly 3 digits 0–9, as announced"
    );
}

// --- selection details ---------------------------------------------------------------------------------

#[test]
fn panel_composition() {
    let d = drawn(base_panel(), "12345678");
    let s = d.selected();
    assert_eq!(s.len(), 9);
    assert_eq!(s[0].reason, Reason::Cadre);
    assert_eq!(s[1].reason, Reason::Cadre);
    assert_eq!(
        s[2],
        Selected {
            id: "l1".into(),
            reason: Reason::Leader
        }
    );
    assert_eq!(
        s[3],
        Selected {
            id: "l3".into(),
            reason: Reason::Leader
        }
    );
    assert!(s[4..].iter().all(|x| x.reason == Reason::Random));
}

#[test]
fn recused_leader_is_replaced_from_the_group() {
    for randomness in ["00000000", "12345678", "99999999", "31415926"] {
        let mut p = base_panel();
        pool_member(&mut p, "l1").near_relative = true;
        let d = drawn(p, randomness);
        let s = d.selected();
        assert!(s.iter().all(|x| x.id != "l1"));
        let sub = s
            .iter()
            .find(|x| x.reason == Reason::Substitute)
            .expect("a substitute");
        // Residents r{i} are in group g{i % 4 + 1}: g1 has i ≡ 0 mod 4.
        let i: usize = sub.id[1..].parse().expect("resident number");
        assert_eq!(i % 4, 0, "{} is in g1", sub.id);
    }
}

#[test]
fn spot_check_takes_every_near_relative_and_rounds_up() {
    let cases: &[(usize, &[usize], u32, usize)] = &[
        (20, &[3, 10], 30, 2 + 6), // ⌈0.3 × 18⌉ = ⌈5.4⌉
        (10, &[], 30, 3),          // exactly 30%
        (11, &[], 30, 4),          // ⌈3.3⌉
        (1, &[], 30, 1),           // ⌈0.3⌉
        (7, &[], 45, 4),           // ⌈3.15⌉
        (9, &[0, 1, 2], 100, 9),   // everything
        (3, &[0, 1, 2], 30, 3),    // only near relatives
        (100, &[], 31, 31),
    ];
    for &(n, near, rate, want) in cases {
        let d = drawn(spot_proposal(entries(n, near), rate), "123");
        let s = d.selected();
        assert_eq!(s.len(), want, "{n} entries, {near:?} near, {rate}%");
        for (k, &i) in near.iter().enumerate() {
            assert_eq!(s[k].id, format!("E{i:03}"));
            assert_eq!(s[k].reason, Reason::NearRelative);
        }
        assert!(s[near.len()..].iter().all(|x| x.reason == Reason::Random));
        assert!(s.len() * 100 >= n * 30, "at least 30% of the batch");
    }
}

#[test]
fn inclusion_chances_sum_to_the_seats() {
    let mut p = base_panel();
    pool_member(&mut p, "l1").near_relative = true;
    pool_member(&mut p, "r05").near_relative = true;
    let a = announce(p).expect("valid");
    let chances = a.inclusion_chances();
    assert_eq!(chances.len(), 34);
    let total: f64 = chances.iter().map(|c| c.probability).sum();
    assert!((total - 9.0).abs() < 1e-9, "{total}");
    let get = |id: &str| chances.iter().find(|c| c.id == id).expect("member");
    assert!(get("l3").required);
    assert_eq!(get("l3").probability, 1.0);
    assert_eq!(get("l1").probability, 0.0);
    assert_eq!(get("r05").probability, 0.0);
    // 32 eligible, 2 cadres + 2 groups required: 5 seats for the other 28 → p = 5/28.
    let q = 5.0 / 28.0;
    assert!((get("l2").probability - q).abs() < 1e-12);
    assert!((get("c1").probability - (0.5 + 0.5 * q)).abs() < 1e-12);
    // g1 residents: r04 r08 r12 r16 r20 r24 (r05 is in g2).
    let s = 6.0;
    assert!((get("r04").probability - (1.0 / s + (1.0 - 1.0 / s) * q)).abs() < 1e-12);

    let a = announce(spot_proposal(entries(20, &[3, 10]), 30)).expect("valid");
    let total: f64 = a.inclusion_chances().iter().map(|c| c.probability).sum();
    assert!((total - 8.0).abs() < 1e-9, "{total}");
}

// --- verification --------------------------------------------------------------------------------

fn published() -> DrawFile {
    let mut p = base_panel();
    pool_member(&mut p, "l1").near_relative = true;
    DrawFile::from(&drawn(p, "20260715"))
}

#[test]
fn a_published_draw_verifies_and_round_trips_through_json() {
    let file = published();
    let json = file.to_json();
    let back: DrawFile = serde_json::from_str(&json).expect("json");
    assert_eq!(back, file);
    assert!(matches!(verify_json(&json), Ok(Verified::Drawn(_))));
    // The announcement alone (before the draw) verifies too.
    let announced = DrawFile {
        randomness: None,
        seed: None,
        selected: None,
        ..file
    };
    assert!(!announced.to_json().contains("\"seed\""));
    assert!(matches!(verify(&announced), Ok(Verified::Announced(_))));
}

#[test]
fn verify_says_where_a_file_differs() {
    type Tamper = fn(&mut DrawFile);
    let cases: &[(&str, Tamper, &str)] = &[
        (
            "algorithm",
            |f| f.algorithm = "sunshine-draw/2".into(),
            "algorithm",
        ),
        (
            "both kinds",
            |f| {
                f.spot_check = Some(SpotCheck {
                    rate_percent: 30,
                    entries: entries(3, &[]),
                })
            },
            "kind",
        ),
        ("no kind", |f| f.panel = None, "kind"),
        (
            "refused inputs",
            |f| f.panel.as_mut().expect("panel").min_cadres = 1,
            "refused:bad_min_cadres",
        ),
        ("pool hash", |f| f.pool_hash = "00".repeat(32), "pool_hash"),
        (
            "pool hash in capitals",
            |f| f.pool_hash = f.pool_hash.to_uppercase(),
            "pool_hash",
        ),
        (
            "a recusal flag",
            |f| f.panel.as_mut().expect("panel").pool[0].near_relative = true,
            "pool_hash",
        ),
        (
            "a name",
            |f| f.panel.as_mut().expect("panel").pool[0].name = "李*四".into(),
            "pool_hash",
        ),
        ("the purpose", |f| f.purpose.push('!'), "pool_hash"),
        (
            "the source",
            |f| f.randomness_source = "2026-07-16 福彩3D".into(),
            "pool_hash",
        ),
        ("the draw id", |f| f.draw_id = "D2".into(), "seed"),
        (
            "the randomness",
            |f| f.randomness = Some("20260716".into()),
            "seed",
        ),
        (
            "randomness of the wrong shape",
            |f| f.randomness = Some("2026071".into()),
            "randomness",
        ),
        ("the seed", |f| f.seed = Some("ab".repeat(32)), "seed"),
        ("no seed", |f| f.seed = None, "incomplete"),
        (
            "two swapped",
            |f| f.selected.as_mut().expect("drawn").swap(5, 6),
            "selected[5]",
        ),
        (
            "one removed",
            |f| {
                f.selected.as_mut().expect("drawn").pop();
            },
            "selected[8]",
        ),
        (
            "one added",
            |f| {
                f.selected.as_mut().expect("drawn").push(Selected {
                    id: "r01".into(),
                    reason: Reason::Random,
                })
            },
            "selected[9]",
        ),
        (
            "a reason changed",
            |f| f.selected.as_mut().expect("drawn")[8].reason = Reason::Cadre,
            "selected[8]",
        ),
        (
            "a member replaced",
            |f| f.selected.as_mut().expect("drawn")[0].id = "c4x".into(),
            "selected[0]",
        ),
    ];
    for (name, tamper, want) in cases {
        let mut f = published();
        tamper(&mut f);
        let got = match verify(&f) {
            Ok(_) => "ok".to_owned(),
            Err(Mismatch::Algorithm { .. }) => "algorithm".into(),
            Err(Mismatch::Kind) => "kind".into(),
            Err(Mismatch::Refused(e)) => format!("refused:{}", e.code()),
            Err(Mismatch::PoolHash { .. }) => "pool_hash".into(),
            Err(Mismatch::Incomplete) => "incomplete".into(),
            Err(Mismatch::Randomness(_)) => "randomness".into(),
            Err(Mismatch::Seed { .. }) => "seed".into(),
            Err(Mismatch::Selected { position, .. }) => format!("selected[{position}]"),
            Err(Mismatch::Json(e)) => format!("json:{e}"),
        };
        assert_eq!(got, *want, "{name}");
    }
}

#[test]
fn verify_messages_show_both_sides() {
    let mut f = published();
    let sel = f.selected.as_mut().expect("drawn");
    let last = sel.pop().expect("nine");
    let msg = verify(&f).expect_err("short").to_string();
    assert_eq!(
        msg,
        format!(
            "selected[8]: the file says nothing (the list ends), the inputs give {} (random)",
            last.id
        )
    );
}

#[test]
fn malformed_json_is_not_a_draw_file() {
    let good = published().to_json();
    let cases: [&str; 8] = [
        "",
        "[]",
        "{\"algorithm\": \"sunshine-draw/1\"}",
        &good.replacen("\"purpose\"", "\"note\": \"x\", \"purpose\"", 1),
        &good.replacen("\"cadre\"", "\"mayor\"", 1),
        &good.replacen("\"panel_size\": 9", "\"panel_size\": -9", 1),
        &good.replacen("\"panel_size\": 9", "\"panel_size\": 9.5", 1),
        &good.replacen("\"near_relative\": false", "\"near_relative\": 0", 1),
    ];
    for text in cases {
        assert!(
            matches!(verify_json(text), Err(Mismatch::Json(_))),
            "{text:.80}"
        );
    }
}

// --- laws (proptest) -----------------------------------------------------------------------------------

/// Raw material for a panel proposal: cadres (recused?), per group 0–2 leaders (recused?),
/// residents (group, recused?), sizes and the involved groups — built so that every refusal of §4
/// happens now and then, and most proposals are valid.
#[derive(Clone, Debug)]
struct PanelSpec {
    cadres: Vec<bool>,
    leaders: Vec<Vec<bool>>,
    residents: Vec<(usize, bool)>,
    panel_size: u32,
    min_cadres: u32,
    groups: Vec<usize>,
    names: Vec<String>,
}

const GROUPS: usize = 5;

fn panel_spec() -> impl Strategy<Value = PanelSpec> {
    (
        prop::collection::vec(prop::bool::weighted(0.15), 0..7),
        prop::collection::vec(
            prop::sample::select(vec![0usize, 1, 1, 1, 1, 1, 1, 1, 1, 2])
                .prop_flat_map(|n| prop::collection::vec(prop::bool::weighted(0.2), n)),
            GROUPS,
        ),
        prop::collection::vec((0..GROUPS, prop::bool::weighted(0.1)), 18..45),
        7u32..16,
        1u32..5,
        prop::collection::vec(0..GROUPS, 0..4),
        prop::collection::vec("[王李张刘陈][*][明华芳]{1,2}", 1..4),
    )
        .prop_map(
            |(cadres, leaders, residents, panel_size, min_cadres, groups, names)| PanelSpec {
                cadres,
                leaders,
                residents,
                panel_size,
                min_cadres,
                groups,
                names,
            },
        )
}

impl PanelSpec {
    fn proposal(&self) -> Proposal {
        let mut pool = Vec::new();
        let mut next = |stratum, group: Option<usize>, near: bool| {
            let i = pool.len();
            // Ids of several shapes and cases so that sorting is exercised.
            let id = match i % 3 {
                0 => format!("m{i}"),
                1 => format!("M-{i:03}"),
                _ => format!("_{i}.x"),
            };
            pool.push(PoolMember {
                id,
                name: self.names[i % self.names.len()].clone(),
                stratum,
                group: group.map(|g| format!("G{g}")),
                near_relative: near,
            });
        };
        for &near in &self.cadres {
            next(Stratum::Cadre, None, near);
        }
        for (g, leaders) in self.leaders.iter().enumerate() {
            for &near in leaders {
                next(Stratum::Leader, Some(g), near);
            }
        }
        for &(g, near) in &self.residents {
            next(Stratum::Resident, Some(g), near);
        }
        let groups: Vec<String> = self.groups.iter().map(|g| format!("G{g}")).collect();
        let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
        panel_proposal(pool, self.panel_size, self.min_cadres, &groups)
    }

    /// §4 restated independently, from the spec's own terms: can this draw be held?
    fn feasible(&self) -> bool {
        let members = self.cadres.len()
            + self.leaders.iter().map(Vec::len).sum::<usize>()
            + self.residents.len();
        let mut involved = self.groups.clone();
        involved.sort_unstable();
        involved.dedup();
        let eligible_cadres = self.cadres.iter().filter(|near| !**near).count();
        let can_represent = |g: usize| {
            self.leaders[g].iter().any(|near| !near)
                || self.residents.iter().any(|&(rg, near)| rg == g && !near)
        };
        let eligible = eligible_cadres
            + self.leaders.iter().flatten().filter(|near| !**near).count()
            + self.residents.iter().filter(|(_, near)| !near).count();
        members >= MIN_POOL
            && self.panel_size >= MIN_PANEL_SIZE
            && self.min_cadres >= MIN_CADRES
            && !self.groups.is_empty()
            && involved.len() == self.groups.len()
            && self.leaders.iter().all(|l| l.len() <= 1)
            && eligible_cadres >= self.min_cadres as usize
            && involved.iter().all(|&g| can_represent(g))
            && self.min_cadres as usize + involved.len() <= self.panel_size as usize
            && eligible >= self.panel_size as usize
    }
}

fn randomness() -> impl Strategy<Value = String> {
    "[0-9]{8}"
}

/// The panel promises of §7.1, checked on a result.
fn assert_panel_constraints(p: &Panel, selected: &[Selected]) {
    let by_id = |id: &str| {
        p.pool
            .iter()
            .find(|m| m.id == id)
            .expect("selected from the pool")
    };
    assert_eq!(selected.len(), p.panel_size as usize);
    let mut ids: Vec<&str> = selected.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), selected.len(), "no one twice");
    assert!(
        selected.iter().all(|s| !by_id(&s.id).near_relative),
        "no recused member"
    );
    let cadres = selected
        .iter()
        .filter(|s| by_id(&s.id).stratum == Stratum::Cadre)
        .count();
    assert!(cadres >= p.min_cadres as usize);
    assert_eq!(
        selected
            .iter()
            .filter(|s| s.reason == Reason::Cadre)
            .count(),
        p.min_cadres as usize
    );
    for g in &p.groups {
        let leader = p.pool.iter().find(|m| {
            m.stratum == Stratum::Leader && m.group.as_ref() == Some(g) && !m.near_relative
        });
        match leader {
            Some(l) => assert!(selected
                .iter()
                .any(|s| s.id == l.id && s.reason == Reason::Leader)),
            None => assert!(selected.iter().any(|s| s.reason == Reason::Substitute
                && by_id(&s.id).group.as_ref() == Some(g)
                && by_id(&s.id).stratum == Stratum::Resident)),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn panel_constraints_are_met_or_the_draw_is_refused(spec in panel_spec(), r in randomness()) {
        let result = announce(spec.proposal());
        prop_assert_eq!(result.is_ok(), spec.feasible(), "{:?}", result.as_ref().err());
        if let Ok(a) = result {
            let d = a.draw(&r).expect("8 digits");
            let Subject::Panel(p) = a.subject() else { unreachable!() };
            assert_panel_constraints(p, d.selected());
        }
    }

    #[test]
    fn spot_check_constraints_are_met_or_the_draw_is_refused(
        flags in prop::collection::vec(prop::bool::weighted(0.15), 0..80),
        rate in 20u32..110,
        r in "[0-9]{3}",
    ) {
        let near: Vec<usize> = flags.iter().enumerate().filter(|(_, f)| **f).map(|(i, _)| i).collect();
        let result = announce(spot_proposal(entries(flags.len(), &near), rate));
        let feasible = !flags.is_empty() && (30..=100).contains(&rate);
        prop_assert_eq!(result.is_ok(), feasible);
        if let Ok(a) = result {
            let d = a.draw(&r).expect("3 digits");
            let s = d.selected();
            let rest = flags.len() - near.len();
            prop_assert_eq!(s.len(), near.len() + (rate as usize * rest).div_ceil(100));
            prop_assert!(s.len() * 100 >= flags.len() * rate as usize);
            for i in &near {
                let r = format!("E{i:03}");
                prop_assert!(s.iter().any(|x| x.id == r && x.reason == Reason::NearRelative));
            }
            let mut ids: Vec<&String> = s.iter().map(|x| &x.id).collect();
            ids.sort_unstable();
            ids.dedup();
            prop_assert_eq!(ids.len(), s.len());
        }
    }

    #[test]
    fn same_inputs_same_result(spec in panel_spec(), r in randomness()) {
        if let Ok(a) = announce(spec.proposal()) {
            let first = a.draw(&r).expect("valid");
            let again = announce(spec.proposal()).expect("valid").draw(&r).expect("valid");
            prop_assert_eq!(&first, &again);
            // And through the published file.
            let json = DrawFile::from(&first).to_json();
            prop_assert!(matches!(verify_json(&json), Ok(Verified::Drawn(d)) if d == first));
        }
    }

    #[test]
    fn pool_order_does_not_matter(spec in panel_spec(), r in randomness(), shuffle in any::<u64>()) {
        if let Ok(a) = announce(spec.proposal()) {
            let mut p = spec.proposal();
            let panel = panel_mut(&mut p);
            // A deterministic shuffle of members and groups.
            let mut state = shuffle | 1;
            let mut rnd = |n: usize| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state % n as u64) as usize
            };
            for i in (1..panel.pool.len()).rev() {
                let j = rnd(i + 1);
                panel.pool.swap(i, j);
            }
            panel.groups.reverse();
            let b = announce(p).expect("the same set is valid");
            prop_assert_eq!(a.pool_hash(), b.pool_hash());
            let (da, db) = (a.draw(&r).expect("valid"), b.draw(&r).expect("valid"));
            prop_assert_eq!(da.selected(), db.selected());
        }
    }

    #[test]
    fn any_change_to_an_input_changes_the_seed(
        spec in panel_spec(),
        r in randomness(),
        which in 0usize..16,
        pick in any::<prop::sample::Index>(),
    ) {
        let Ok(a) = announce(spec.proposal()) else { return Ok(()) };
        let original = a.draw(&r).expect("valid");
        let mut p = spec.proposal();
        let mut r2 = r.clone();
        {
            let panel = panel_mut(&mut p);
            let i = pick.index(panel.pool.len());
            let m = &mut panel.pool[i];
            match which {
                0 => p.purpose.push('。'),
                1 => p.randomness_source.push('1'),
                2 => p.draw_id.push('x'),
                3 => { r2 = format!("{}{}", &r[..7], (r.as_bytes()[7] - b'0' + 1) % 10); }
                4 => m.near_relative = !m.near_relative,
                5 => m.name.push('明'),
                6 => m.id.push('z'),
                7 => m.group = match m.stratum {
                    Stratum::Cadre => { m.stratum = Stratum::Resident; Some("G0".into()) }
                    _ => Some(format!("{}x", m.group.as_deref().unwrap_or_default())),
                },
                8 => m.stratum = match m.stratum {
                    Stratum::Leader => Stratum::Resident,
                    Stratum::Resident => Stratum::Leader,
                    Stratum::Cadre => Stratum::Cadre,
                },
                9 => { panel.pool.remove(i); }
                10 => panel.pool.push(PoolMember { id: "new".into(), name: "新*人".into(), stratum: Stratum::Resident, group: Some("G1".into()), near_relative: false }),
                11 => panel.panel_size += 1,
                12 => panel.min_cadres += 1,
                13 => panel.groups.push("G9".into()),
                14 => { panel.groups.pop(); }
                _ => p.randomness_format = "digits:9".into(),
            }
        }
        if which == 15 {
            r2.push('0');
        }
        if which == 8 && spec.proposal() == p {
            return Ok(()); // a cadre has no other stratum without a group: no change made
        }
        if let Ok(b) = announce(p) {
            let changed = b.draw(&r2).expect("valid");
            prop_assert_ne!(original.seed(), changed.seed(), "change {}", which);
        }
    }

    #[test]
    fn uniform_stays_in_range(seed_bytes in any::<[u8; 32]>(), n in 1u32..=u32::MAX) {
        let mut g = Generator::new(&Hash(seed_bytes));
        for _ in 0..16 {
            prop_assert!(g.uniform(n) < n);
        }
    }

    #[test]
    fn choose_picks_distinct_items(seed_bytes in any::<[u8; 32]>(), n in 0usize..60, k in 0usize..60) {
        let k = k.min(n);
        let items: Vec<usize> = (0..n).collect();
        let mut chosen = Generator::new(&Hash(seed_bytes)).choose(&items, k);
        prop_assert_eq!(chosen.len(), k);
        chosen.sort_unstable();
        chosen.dedup();
        prop_assert_eq!(chosen.len(), k);
    }
}
