use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::{Entry, Node};
use crate::fix::Fix;
use crate::kit::declared::{Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Matcher, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ecs-efs-volume-transit-unencrypted",
    title: "ECS task mounts EFS without encryption in transit",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "ECS",
    why: "Without TLS, file contents travel in clear between the container host and the EFS mount target, readable \
          by anything that can observe the VPC's traffic (traffic mirroring, a compromised host).",
    aws_side: "EFS supports TLS mounts. Requiring them for each volume is the customer's.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_97"],
        kics: &["c1282e03-b285-4637-aee7-eefe3a7bb658"],
        trivy: &["AVD-AWS-0035", "aws-ecs-enable-in-transit-encryption"],
    },
    related: Related {
        checkov: &[],
        kics: &["4d46ff3b-7160-41d1-a310-71d6d370b08f"],
        trivy: &[],
        how: "The Terraform KICS query also flags a `volume` with no EFS configuration at all (a bind mount), which \
              has no transit to encrypt.",
    },
    matcher: &Custom {
        what: "Flags task definitions with an EFS volume (`volume { efs_volume_configuration { ... } }`, \
               CloudFormation `Volumes[].EFSVolumeConfiguration`, keys matched in any case) whose \
               `transit_encryption` is absent or not `ENABLED`. Every volume is checked.",
        fix: "Set `transit_encryption = \"ENABLED\"` in each `efs_volume_configuration` (`TransitEncryption: \
              ENABLED`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_task_definition"],
            check,
            example: TF_EXAMPLE,
            fixed_example: TF_FIXED,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECS::TaskDefinition"],
            check: check_cfn,
            example: r#"Resources:
  App:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Volumes:
        - Name: data
          EFSVolumeConfiguration:
            FilesystemId: !Ref Files
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Volumes:
        - Name: data
          EFSVolumeConfiguration:
            FilesystemId: !Ref Files
            TransitEncryption: ENABLED
"#,
        }),
    },
};

const TF_EXAMPLE: &str = r#"resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = file("app.json")
  volume {
    name = "data"
    efs_volume_configuration {
      file_system_id = aws_efs_file_system.data.id
    }
  }
}"#;
const TF_FIXED: &str = r#"resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = file("app.json")
  volume {
    name = "data"
    efs_volume_configuration {
      file_system_id = aws_efs_file_system.data.id
      transit_encryption = "ENABLED"
    }
  }
}"#;

const FIX: &str = "Encrypt the EFS mount in transit";

static TF_SETTING: Setting = Setting {
    terraform: Some(Tf {
        types: &["aws_ecs_task_definition"],
        path: "volume?.efs_volume_configuration?.transit_encryption",
        example: TF_EXAMPLE,
        fixed: TF_FIXED,
        ..Tf::DEFAULT
    }),
    want: Want::OneOf(&["ENABLED"]),
    absent: Some("the EFS mount carries file contents in clear"),
    insecure: "the EFS mount carries file contents in clear",
    fix_title: FIX,
    ..Setting::DEFAULT
};

fn check(ctx: &mut TfContext) {
    TF_SETTING.check_terraform(ctx);
}

/// A map's entry whose key is `key` in any case (examples write `volumes`, `efsVolumeConfiguration`).
fn entry<'t>(map: &'t Node, key: &str) -> Option<&'t Entry> {
    map.entries().iter().find(|e| e.key.eq_ignore_ascii_case(key))
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::TaskDefinition").collect::<Vec<_>>() {
        let Some(props) = res.properties else { continue };
        let Some(volumes) = entry(props, "Volumes") else { continue };
        for volume in volumes.value.items() {
            let Some(efs) = entry(volume, "EFSVolumeConfiguration").map(|e| &e.value) else { continue };
            if efs.intrinsic().is_some() {
                continue;
            }
            match entry(efs, "TransitEncryption") {
                None => {
                    let message = format!("`{}` mounts EFS without encryption in transit", res.logical_id);
                    let edit = cfn_edit::set_key(ctx.template, efs, "TransitEncryption", &json!("ENABLED"));
                    ctx.report(res, efs.range, message).fixes.push(Fix::new(FIX, vec![edit]));
                }
                Some(e) => {
                    let Some(v) = ctx.eval(&e.value).as_str().map(str::to_string) else { continue };
                    if v.eq_ignore_ascii_case("ENABLED") {
                        continue;
                    }
                    let message = format!("`{}` mounts EFS with transit encryption `{v}`", res.logical_id);
                    let edit = cfn_edit::replace_value(ctx.template, &e.value, &json!("ENABLED"));
                    ctx.report(res, e.range, message).fixes.push(Fix::new(FIX, vec![edit]));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_efs_volumes_without_tls() {
        let tf = r#"resource "aws_ecs_task_definition" "a" {
  volume {
    name = "bind"
  }
  volume {
    efs_volume_configuration {
      transit_encryption = "DISABLED"
    }
  }
  volume {
    efs_volume_configuration {
      file_system_id = "fs-1"
    }
  }
  volume {
    efs_volume_configuration {
      transit_encryption = "ENABLED"
    }
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [7, 11]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_keys_in_any_case() {
        let json = r#"{"Resources": {"T": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"volumes": [{"name": "v", "efsVolumeConfiguration": {"FilesystemId": "fs", "TransitEncryption": "DISABLED"}}, {"Name": "w", "EFSVolumeConfiguration": {"FilesystemId": "fs"}}, {"Name": "x", "EFSVolumeConfiguration": {"TransitEncryption": "ENABLED"}}]}}}}"#;
        assert_eq!(cfn_lines(&RULE, json).len(), 2);
        assert_eq!(check_cfn_fixes(&RULE, json), 2);
    }
}
