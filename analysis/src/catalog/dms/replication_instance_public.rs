use crate::cloudformation::check::CfnContext;
use crate::kit::setting::{check_bool, check_cfn_bool, BoolCheck, CfnBoolCheck};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "dms-replication-instance-public",
    title: "DMS replication instance is publicly accessible",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "DMS",
    why: "A replication instance holds credentials to both the source and the target database and streams their \
          data. A public address makes it reachable from the internet and, because DMS needs network paths to both \
          ends, an attacker on it sits between two databases.",
    aws_side: "AWS gives the instance a public address only when the flag is on (the API's default is on); turning \
               it off is the customer's duty (Security Hub DMS.1).",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_89"],
        kics: &["030d3b18-1821-45b4-9e08-50efbe7becbb", "5864fb39-d719-4182-80e2-89dbe627be63"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_dms_replication_instance` with `publicly_accessible = true` (the provider's default is \
               `false`); in CloudFormation, `AWS::DMS::ReplicationInstance` with `PubliclyAccessible: true` or \
               without the property (the API's default is `true`).",
        fix:
            "Set `publicly_accessible = false` (in CloudFormation, `PubliclyAccessible: false`), and reach on-premises \
              databases through a VPN or Direct Connect.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_dms_replication_instance"],
            check,
            example: r#"resource "aws_dms_replication_instance" "migration" {
  replication_instance_id    = "migration"
  replication_instance_class = "dms.t3.medium"
  publicly_accessible        = true
}"#,
            fixed_example: r#"resource "aws_dms_replication_instance" "migration" {
  replication_instance_id    = "migration"
  replication_instance_class = "dms.t3.medium"
  publicly_accessible        = false
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::DMS::ReplicationInstance"],
            check: check_cfn,
            example: r#"Resources:
  Migration:
    Type: AWS::DMS::ReplicationInstance
    Properties:
      ReplicationInstanceClass: dms.t3.medium
"#,
            fixed_example: r#"Resources:
  Migration:
    Type: AWS::DMS::ReplicationInstance
    Properties:
      ReplicationInstanceClass: dms.t3.medium
      PubliclyAccessible: false
"#,
        }),
    },
};

static CHECK: BoolCheck = BoolCheck {
    attr: "publicly_accessible",
    secure: false,
    absent_insecure: false,
    absent: "",
    insecure: "is publicly accessible: it gets a public address, reachable from the internet",
    fix: "Keep the instance private",
};

static CFN_CHECK: CfnBoolCheck = CfnBoolCheck {
    prop: "PubliclyAccessible",
    secure: false,
    absent_insecure: true,
    absent: "does not set `PubliclyAccessible`, whose default is `true`: it gets a public address, reachable from \
             the internet",
    insecure: "is publicly accessible: it gets a public address, reachable from the internet",
    fix: "Keep the instance private",
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_dms_replication_instance").collect::<Vec<_>>() {
        check_bool(ctx, res, &CHECK);
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::DMS::ReplicationInstance").collect::<Vec<_>>() {
        check_cfn_bool(ctx, res, &CFN_CHECK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_public_instances() {
        // KICS: `true` fails; absent (the provider's default is `false`) and `false` pass.
        let tf = r#"variable "p" {}
resource "aws_dms_replication_instance" "public" {
  publicly_accessible = true
}
resource "aws_dms_replication_instance" "default" {
  replication_instance_id = "d"
}
resource "aws_dms_replication_instance" "private" {
  publicly_accessible = false
}
resource "aws_dms_replication_instance" "unknown" {
  publicly_accessible = var.p
}
"#;
        assert_eq!(lines(&RULE, tf), [3]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_absent_is_public() {
        // KICS: `true` and absent (the API's default) fail; `false` passes.
        let yaml = "Parameters:\n  P:\n    Type: String\nResources:\n  A:\n    Type: AWS::DMS::ReplicationInstance\n    Properties:\n      PubliclyAccessible: true\n  B:\n    Type: AWS::DMS::ReplicationInstance\n    Properties:\n      ReplicationInstanceClass: dms.r5.large\n  C:\n    Type: AWS::DMS::ReplicationInstance\n    Properties:\n      PubliclyAccessible: false\n  D:\n    Type: AWS::DMS::ReplicationInstance\n    Properties:\n      PubliclyAccessible: !Ref P\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8, 9]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
