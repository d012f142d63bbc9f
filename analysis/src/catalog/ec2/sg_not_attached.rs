use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::kit::refs::{cfn_is_referenced, is_referenced};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::blocks_seen::{kept_now, BlocksSeen};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::{Block, ExprKind};
use crate::terraform::reads::{unordered, MemoValue};
use crate::value::Value;
use std::collections::HashSet;

pub static RULE: Rule = Rule {
    id: "sg-not-attached",
    title: "Security group is declared but attached to nothing",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "EC2",
    why: "Unattached groups are dead configuration that reviewers still have to read, and a permissive one is a \
          trap: the next resource someone attaches to it silently inherits its openings.",
    aws_side: "AWS keeps the group until it is deleted. Housekeeping is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["4849211b-ac39-479e-ae78-5694d506cb24"], trivy: &[] },
    related: Related {
        checkov: &["CKV2_AWS_5"],
        kics: &[],
        trivy: &[],
        how: "Checkov needs a connection to one of the resource types it lists; onus counts any reference (a module \
              input, an output, a rule of another group).",
    },
    matcher: &Custom {
        what: "Flags `aws_security_group` and `AWS::EC2::SecurityGroup` resources that nothing else in the \
               configuration refers to (no instance, load balancer, cluster, module input or output), and whose \
               name no `security_groups` list gives. When a `security_groups` list is not known, nothing is \
               flagged.",
        fix: "Attach the group where it is meant to be used, export it for the caller, or remove it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_security_group"],
            check,
            example: r#"resource "aws_security_group" "old" {
  name        = "old"
  description = "left over"
  vpc_id      = aws_vpc.main.id
}"#,
            fixed_example: r#"resource "aws_security_group" "old" {
  name        = "old"
  description = "left over"
  vpc_id      = aws_vpc.main.id
}
resource "aws_instance" "app" {
  vpc_security_group_ids = [aws_security_group.old.id]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::SecurityGroup"],
            check: check_cfn,
            example: r#"Resources:
  Old:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: left over
      VpcId: !Ref Vpc
"#,
            fixed_example: r#"Resources:
  Old:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: left over
      VpcId: !Ref Vpc
Outputs:
  OldGroup:
    Value: !Ref Old
"#,
        }),
    },
};

/// The names the configuration's `security_groups` lists give (`None` when one of them is not known), and where
/// the blocks that have such a list were, computed once per analysis (reading every block of the module, a run
/// per rule would read the module again on every keystroke anywhere). The lists are evaluated again at each build (their values may come from
/// variables), but a build after a keystroke looks into the blocks that came only: a walk of every block of the
/// module was a tenth of a keystroke in a database at 20k lines.
struct Listed {
    names: Option<HashSet<String>>,
    seen: BlocksSeen,
    listing: Vec<(usize, usize)>,
}

impl MemoValue for Listed {
    fn fingerprint(&self) -> u64 {
        self.names.as_ref().map_or(0, |names| unordered(names).wrapping_add(1))
    }
}

fn listed(ctx: &TfContext, previous: Option<&Listed>) -> Listed {
    fn walk(ctx: &TfContext, block: &Block, out: &mut Vec<String>) -> bool {
        if let Some(attr) = block.attr("security_groups") {
            let literal = matches!(attr.expr.kind, ExprKind::Tuple(_));
            match ctx.eval(&attr.expr) {
                Value::List(items) => {
                    for i in items {
                        match i {
                            Value::String(s) => out.push(s),
                            Value::Unknown if !literal => return false,
                            _ => {}
                        }
                    }
                }
                Value::Unknown if !literal => return false,
                _ => {}
            }
        }
        block.blocks.iter().all(|b| walk(ctx, b, out))
    }
    fn has_list(block: &Block) -> bool {
        block.attr("security_groups").is_some() || block.blocks.iter().any(has_list)
    }
    let module = ctx.module;
    // What a build afresh reads: the blocks of each kind, and (below) what the lists read.
    for kind in ["resource", "module"] {
        drop(module.blocks_indexed(kind));
    }
    let (seen, kept) = match previous.filter(|p| p.seen.fits(module)) {
        Some(last) => (&last.seen, last.listing.as_slice()),
        None => (&BlocksSeen::default(), &[][..]),
    };
    let changes = seen.changes(module);
    let mut listing = kept_now(&changes, kept);
    for change in &changes {
        let blocks = &module.files[change.file].blocks;
        let listing_came = change.came.clone().filter(|&i| {
            let block = &blocks[i];
            matches!(block.kind.as_str(), "resource" | "module") && has_list(block)
        });
        listing.extend(listing_came.map(|i| (change.file, i)));
    }
    listing.sort_unstable();
    let (mut out, mut known) = (Vec::new(), true);
    for &(file, i) in &listing {
        let block = &module.files[file].blocks[i];
        if known && ctx.exists(Resource { file, block }) {
            known = walk(ctx, block, &mut out);
        }
    }
    Listed { names: known.then(|| out.into_iter().collect()), seen: BlocksSeen::of(module), listing }
}

fn check(ctx: &mut TfContext) {
    let groups: Vec<_> = ctx.resources("aws_security_group").collect();
    if groups.is_empty() {
        return;
    }
    let listed = ctx.module.memo_updated(["sg-not-attached listed names", "", ""], |last| listed(ctx, last));
    let Some(names) = &listed.names else { return };
    for res in groups {
        let name = ctx.attr(res.block, "name").and_then(|(_, v)| v.as_str().map(str::to_string));
        if name.is_some_and(|n| names.contains(&n)) || is_referenced(ctx, res) {
            continue;
        }
        let message = format!("`{}` is attached to nothing: no resource, module or output refers to it", res.address());
        let edit = crate::kit::ec2::delete_lines(&ctx.file(res).source, res.block.range);
        ctx.report_with_fix(res, res.block.header, message, crate::fix::Fix::unsafe_(REMOVE, vec![edit]));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut listed: Vec<String> = Vec::new();
    for res in ctx.template.resources() {
        let groups = res.properties.and_then(|p| p.get("SecurityGroups")).map(Node::items).unwrap_or_default();
        listed.extend(groups.iter().filter_map(|g| ctx.eval(g).as_str().map(str::to_string)));
    }
    for res in ctx.resources("AWS::EC2::SecurityGroup").collect::<Vec<_>>() {
        let name = ctx.prop(res, "GroupName").and_then(|(_, v)| v.as_str().map(str::to_string));
        if name.is_some_and(|n| listed.contains(&n)) || cfn_is_referenced(ctx, res) {
            continue;
        }
        let message = format!("`{}` is attached to nothing: no resource or output refers to it", res.logical_id);
        let range = ctx.header(res);
        let fix = ctx
            .template
            .root
            .get("Resources")
            .and_then(|r| crate::kit::setting::remove_cfn_entry(ctx.template, r, res.entry));
        ctx.report(res, range, message).fixes.extend(fix.map(|e| crate::fix::Fix::unsafe_(REMOVE, vec![e])));
    }
}

const REMOVE: &str = "Remove the unused group (check nothing outside the configuration uses it)";

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_groups_nothing_uses() {
        let tf = r#"resource "aws_security_group" "unused" {
  name = "unused"
}
resource "aws_security_group" "used" {
  name = "used"
}
resource "aws_instance" "a" {
  vpc_security_group_ids = [aws_security_group.used.id]
}
resource "aws_security_group" "quoted" {
  name = "quoted"
}
resource "aws_eks_cluster" "c" {
  vpc_config {
    security_group_ids = ["aws_security_group.quoted.id"]
  }
}
resource "aws_security_group" "by_name" {
  name = "CowrieSSH"
}
variable "secgroups" {
  default = ["CowrieSSH"]
}
resource "aws_instance" "b" {
  security_groups = var.secgroups
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 1);
        // A list that is not known may name any group.
        let unknown = tf.replace("default = [\"CowrieSSH\"]", "type = list(string)");
        assert!(lines(&RULE, &unknown).is_empty());
    }

    #[test]
    fn a_group_naming_itself_is_not_used_but_an_output_or_local_naming_it_is() {
        let tf = r#"resource "aws_security_group" "itself" {
  name = "itself"
  tags = { Self = aws_security_group.itself.id }
}
resource "aws_security_group" "output" {
  name = "output"
}
output "group" {
  value = "${aws_security_group.output.id}"
}
resource "aws_security_group" "local" {
  name = "local"
}
locals {
  groups = concat([aws_security_group.local.id], [])
}
resource "aws_security_group" "by_data" {
  name = "by_data"
}
data "aws_security_group" "by_data" {
  id = aws_security_group.by_data.id
}
resource "aws_security_group" "same_name_as_data" {
  name = "same_name_as_data"
}
resource "aws_instance" "a" {
  vpc_security_group_ids = [data.aws_security_group.same_name_as_data.id]
}
"#;
        // The last: a data source of that name is referred to, not the group.
        assert_eq!(lines(&RULE, tf), [1, 23]);
    }

    #[test]
    fn cloudformation_groups_nothing_uses() {
        let yaml = "Resources:\n  Unused:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n  Used:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: x\n  I:\n    Type: AWS::EC2::Instance\n    Properties:\n      SecurityGroupIds: [!GetAtt Used.GroupId]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(crate::kit::testing::check_cfn_fixes(&RULE, yaml), 1);
    }
}
