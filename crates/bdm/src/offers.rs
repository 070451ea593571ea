//! Which offer an actor accepts (`offer_selection`), searched without
//! visiting every dyad: only positions whose actors expect to gain from
//! challenging i (EUᵢ(j → i) > 0) can make an offer, and offers ranked by
//! distance (confrontations and capitulations) are found by walking outwards
//! from i's position, nearest first, stopping at the first distance that has
//! one. Ties go to the lowest actor index, as in a scan in actor order.

use demarche_forecast::InteractionKind;
use demarche_scenario::settings::bdm::{Capitulation, OfferSelection};

use crate::model::Move;
use crate::terms::Terms;
use crate::votes::Geometry;

/// The offer, if any, that j's challenge makes to i (the replication's rules):
/// `own` = EUᵢ(i → j), `other` = EUᵢ(j → i).
#[inline]
pub fn offer(xi: f64, xj: f64, j: usize, own: f64, other: f64, capitulation: Capitulation) -> Option<Move> {
    let (kind, new_position) = if other > own && own > 0.0 {
        (InteractionKind::Conflict, xj)
    } else if other > 0.0 && 0.0 > own && other > own.abs() {
        (InteractionKind::Compromise, xi + (xj - xi) * (own / other).abs())
    } else if other > 0.0 && 0.0 > own && other < own.abs() && capitulation == Capitulation::LossExceedsGain {
        (InteractionKind::Capitulation, xj)
    } else {
        return None;
    };
    Some(Move { other: j, kind, own_eu: own, other_eu: other, new_position })
}

/// Actor i as the search sees it.
pub struct Receiver<'a> {
    /// i's slot and position.
    pub a: usize,
    pub xi: f64,
    pub dist: &'a [f64],
    pub terms: &'a Terms,
    pub geo: &'a Geometry,
    pub s: &'a [f64],
}

/// The smallest (key, actor index) so far.
struct Lowest {
    best: Option<((f64, f64), Move)>,
}

impl Lowest {
    fn new() -> Self {
        Lowest { best: None }
    }

    fn consider(&mut self, key: (f64, f64), mv: Move) {
        let better = match &self.best {
            None => true,
            Some((k, b)) => key.0 < k.0 || (key.0 == k.0 && (key.1 < k.1 || (key.1 == k.1 && mv.other < b.other))),
        };
        if better {
            self.best = Some((key, mv));
        }
    }
}

impl Receiver<'_> {
    /// Every offer from the actors at slot b.
    fn offers_at(&self, b: usize, capitulation: Capitulation, mut f: impl FnMut(Move)) {
        let other = self.terms.eu_other[b];
        if other <= 0.0 {
            return; // every offer needs EUᵢ(j → i) > 0 (also false at b = a)
        }
        let xb = self.geo.distinct[b];
        for &j in self.geo.members(b) {
            let own = self.terms.own_eu(b, self.s[j]);
            if let Some(mv) = offer(self.xi, xb, j, own, other, capitulation) {
                f(mv);
            }
        }
    }

    /// The nearest offer of `kind` (new position = the other's, so the
    /// distance is the slot's), lowest index on ties.
    fn nearest_of_kind(&self, kind: InteractionKind, capitulation: Capitulation) -> Option<Move> {
        let m = self.dist.len();
        let (mut l, mut r) = (self.a, self.a + 1);
        let mut found = Lowest::new();
        loop {
            let dl = if l > 0 { self.dist[l - 1] } else { f64::INFINITY };
            let dr = if r < m { self.dist[r] } else { f64::INFINITY };
            let d = dl.min(dr);
            if d == f64::INFINITY {
                break;
            }
            if let Some(((best, _), _)) = found.best {
                if d > best {
                    break;
                }
            }
            let b = if dl <= dr {
                l -= 1;
                l
            } else {
                r += 1;
                r - 1
            };
            self.offers_at(b, capitulation, |mv| {
                if mv.kind == kind {
                    found.consider((d, 0.0), mv);
                }
            });
        }
        found.best.map(|(_, mv)| mv)
    }

    /// The lowest-keyed offer over all positions.
    fn scan(&self, capitulation: Capitulation, key: impl Fn(&Move) -> Option<(f64, f64)>) -> Option<Move> {
        let mut found = Lowest::new();
        for b in 0..self.dist.len() {
            self.offers_at(b, capitulation, |mv| {
                if let Some(k) = key(&mv) {
                    found.consider(k, mv);
                }
            });
        }
        found.best.map(|(_, mv)| mv)
    }

    /// The offer i accepts under `rule`, if any.
    pub fn select(&self, rule: OfferSelection, capitulation: Capitulation) -> Option<Move> {
        if !self.terms.eu_other.iter().any(|&v| v > 0.0) {
            return None;
        }
        let xi = self.xi;
        let distance = move |mv: &Move| (xi - mv.new_position).abs();
        match rule {
            OfferSelection::Replication | OfferSelection::PriorityNearest => {
                self.nearest_of_kind(InteractionKind::Conflict, capitulation)
                    .or_else(|| {
                        self.scan(capitulation, |mv| {
                            (mv.kind == InteractionKind::Compromise).then(|| {
                                if rule == OfferSelection::Replication {
                                    // Scholz's code ranks compromises by the EU-weighted
                                    // midpoint of the two positions, lowest first.
                                    let xj = self.geo.distinct[self.geo.slot[mv.other]];
                                    let (a, b) = (mv.own_eu.abs(), mv.other_eu.abs());
                                    ((a * xi + b * xj) / (a + b), 0.0)
                                } else {
                                    (distance(mv), 0.0)
                                }
                            })
                        })
                    })
                    .or_else(|| self.nearest_of_kind(InteractionKind::Capitulation, capitulation))
            }
            OfferSelection::Nearest => self.scan(capitulation, |mv| Some((distance(mv), 0.0))),
            OfferSelection::Strongest => self.scan(capitulation, |mv| Some((-mv.other_eu, distance(mv)))),
        }
    }
}
