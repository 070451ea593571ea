#!/usr/bin/env bash
# Genius 10.4's own code as a reference for how demarche reads Genius files:
#
#   bash scripts/genius-eval/run.sh GENIUS_JAVA_SRC Eval DOMAIN.xml PROFILE.xml... > genius.tsv
#       every outcome's utility under constraint utility spaces (type="constraint");
#       crates/negotiation/tests/data/genius-constraint/genius-utilities.tsv was made so;
#   bash scripts/genius-eval/run.sh GENIUS_JAVA_SRC Check DOMAIN.xml PROFILE.xml...
#       whether Genius loads each (additive) profile and evaluates 10^5 outcomes, or fails.
#
# GENIUS_JAVA_SRC is Genius 10.4's src/main/java (for instance NegMAS's
# external/genius10.4/src/main/java; Genius is not part of this repository and nothing of it
# is copied here). Needs a JDK (17 was used) and the JAXB API jar (Debian:
# libjaxb-api-java). Each line: the outcome's value names, then each profile's utility as
# IEEE-754 bits in hex. demarche's side of the comparison:
#
#   cargo build --release -p demarche-negotiation --example dump_utilities
#   cmp <(sort genius.tsv) <(target/release/examples/dump_utilities DOMAIN.xml PROFILE.xml... | sort)
set -euo pipefail
src=$1; class=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
jaxb=${JAXB_JAR:-/usr/share/java/jaxb-api.jar}
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT
javac -nowarn -cp "$jaxb" -d "$classes" -sourcepath "$src" "$here/$class.java" 2>/dev/null
java -cp "$classes:$jaxb" "$class" "$@"
