#!/usr/bin/env python3
"""How the framework tables of this folder were first made: joins the mapping notes with Prowler's control lists.
The tables are the source of truth now: edit them directly (the tests check them against the control lists).

Usage: generate.py NOTES_DIR SHARED_FRAMEWORKS_DIR

The mapping (which onus rules check which control, and why) was written by reading each control's text against
each rule's "What it does"; this script only joins it with the controls' titles, and carries the CIS v3.0 mapping
over to the other CIS versions by their renumbering. Output: one TSV per framework,
`id <TAB> status <TAB> rules <TAB> title <TAB> reason`.
"""
import json
import os
import sys

notes, shared = sys.argv[1], sys.argv[2]
here = os.path.dirname(os.path.abspath(__file__))


def clean(s):
    return " ".join((s or "").split())


def read_tsv(path):
    rows = []
    for line in open(path):
        line = line.rstrip("\n")
        if line:
            rows.append(line.split("\t"))
    return rows


def titles(file, field):
    data = json.load(open(os.path.join(shared, file)))
    return [(r["Id"], clean(r.get(field) or r.get("Description"))) for r in data["Requirements"]]


def write(name, controls, mapping):
    with open(os.path.join(here, name), "w") as out:
        for cid, title in controls:
            status, rules, reason = mapping[cid]
            out.write("\t".join([cid, status, rules, title, clean(reason)]) + "\n")


cis3 = {r[0]: (r[1], r[2], r[3]) for r in read_tsv(os.path.join(notes, "cis_3.0.tsv"))}
write("cis-aws-3.0.tsv", titles("cis_3.0_aws.json", "Description"), cis3)

fsbp = {r[0]: (r[1], r[2], r[3]) for r in read_tsv(os.path.join(notes, "fsbp_a.tsv")) + read_tsv(os.path.join(notes, "fsbp_b.tsv"))}
write("aws-fsbp.tsv", titles("aws_foundational_security_best_practices_aws.json", "Name"), fsbp)

renumber = {}
for r in read_tsv(os.path.join(notes, "cis_renumber.tsv")):
    r = r + [""] * (4 - len(r))
    renumber.setdefault(r[0], {})[r[1]] = (r[2], r[3])
for version in ["1.5", "2.0", "4.0"]:
    mapping = {}
    for cid, (v3, rules) in renumber[version].items():
        if v3:
            status, v3rules, reason = cis3[v3]
            mapping[cid] = (status, v3rules, f"As CIS v3.0 {v3}: {reason}")
        elif rules:
            mapping[cid] = ("checked", rules, "No CIS v3.0 counterpart; the rules flag what the control fails.")
        else:
            mapping[cid] = ("uncoded", "", "No CIS v3.0 counterpart and no onus rule.")
    write(f"cis-aws-{version}.tsv", titles(f"cis_{version}_aws.json", "Description"), mapping)
