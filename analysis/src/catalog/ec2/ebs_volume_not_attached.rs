use crate::cloudformation::check::CfnContext;
use crate::kit::refs::{cfn_is_referenced, is_referenced};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "ebs-volume-not-attached",
    title: "EBS volume is declared but never attached to an instance",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "EBS",
    why: "Detached volumes keep whatever data they held, are easily forgotten by backup and retention policies, \
          and keep costing money; a volume declared without being attached is usually a leftover.",
    aws_side: "AWS keeps the volume durable until it is deleted. The inventory and lifecycle of volumes are the \
               customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["1819ac03-542b-4026-976b-f37addd59f3b"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_ebs_volume` and `AWS::EC2::Volume` resources that nothing in the configuration refers to: \
               no volume attachment, instance, output or module input uses them.",
        fix: "Attach the volume (`aws_volume_attachment`, CloudFormation `AWS::EC2::VolumeAttachment`), export it \
              for whoever attaches it, or remove it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ebs_volume"],
            check,
            example: r#"resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
}"#,
            fixed_example: r#"resource "aws_ebs_volume" "data" {
  availability_zone = "eu-west-1a"
  size              = 100
  encrypted         = true
}
resource "aws_volume_attachment" "data" {
  device_name = "/dev/sdh"
  volume_id   = aws_ebs_volume.data.id
  instance_id = aws_instance.db.id
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::Volume"],
            check: check_cfn,
            example: r#"Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 100
      Encrypted: true
"#,
            fixed_example: r#"Resources:
  Data:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: eu-west-1a
      Size: 100
      Encrypted: true
  DataAttachment:
    Type: AWS::EC2::VolumeAttachment
    Properties:
      Device: /dev/sdh
      InstanceId: !Ref Db
      VolumeId: !Ref Data
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ebs_volume").collect::<Vec<_>>() {
        if is_referenced(ctx, res) {
            continue;
        }
        let message = format!("`{}` is attached to no instance: nothing in the configuration uses it", res.address());
        let edit = crate::kit::ec2::delete_lines(&ctx.file(res).source, res.block.range);
        ctx.report_with_fix(res, res.block.header, message, crate::fix::Fix::unsafe_(REMOVE, vec![edit]));
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EC2::Volume").collect::<Vec<_>>() {
        if cfn_is_referenced(ctx, res) {
            continue;
        }
        let message = format!("`{}` is attached to no instance: nothing in the template uses it", res.logical_id);
        let range = ctx.header(res);
        let fix = ctx
            .template
            .root
            .get("Resources")
            .and_then(|r| crate::kit::setting::remove_cfn_entry(ctx.template, r, res.entry));
        ctx.report(res, range, message).fixes.extend(fix.map(|e| crate::fix::Fix::unsafe_(REMOVE, vec![e])));
    }
}

const REMOVE: &str = "Remove the unused volume (check nothing outside the configuration uses it)";

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_volumes_nothing_uses() {
        let tf = r#"resource "aws_ebs_volume" "lone" {
  size = 1
}
resource "aws_ebs_volume" "attached" {
  size = 1
}
resource "aws_volume_attachment" "a" {
  volume_id = aws_ebs_volume.attached.id
}
resource "aws_ebs_volume" "exported" {
  size = 1
}
output "volume" {
  value = aws_ebs_volume.exported.id
}
"#;
        assert_eq!(lines(&RULE, tf), [1]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_volumes() {
        let yaml = "Resources:\n  Lone:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 1\n  Used:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 1\n  Attach:\n    Type: AWS::EC2::VolumeAttachment\n    Properties:\n      VolumeId: !Ref Used\n  Exported:\n    Type: AWS::EC2::Volume\nOutputs:\n  V:\n    Value: !Ref Exported\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(crate::kit::testing::check_cfn_fixes(&RULE, yaml), 1);
    }
}
