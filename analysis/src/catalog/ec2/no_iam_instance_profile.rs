use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;
use crate::fix::Fix;
use crate::kit::ec2::instances;
use crate::kit::refs::cfn_named;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ec2-no-iam-instance-profile",
    title: "EC2 instance has no IAM role (instance profile)",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "EC2",
    why: "An instance without a role gets its AWS credentials some other way, in practice long-lived access keys \
          copied into user data, files or environment variables, which leak with snapshots, AMIs and logs and are \
          never rotated. A role gives the instance short-lived, automatically rotated credentials, and is what \
          Systems Manager needs to patch and reach the instance without SSH.",
    aws_side: "AWS delivers and rotates role credentials through the metadata service. Giving the instance a role, \
               and a narrow one, is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_41"], kics: &[], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &["f914357d-8386-4d56-9ba6-456e5723f9a6"],
        trivy: &[],
        how: "KICS also flags a literal profile name that names no profile of the template; onus takes such a name \
              as a profile managed elsewhere.",
    },
    matcher: &Custom {
        what: "Flags EC2 instances (`aws_instance`, `ec2-instance` module calls, `AWS::EC2::Instance`) without an \
               instance profile (unless a launch template may give one), and, in CloudFormation, instances whose \
               profile is a reference to nothing in the template, or a profile of the template that holds no role.",
        fix: "Create a role for the instance's purpose (with `AmazonSSMManagedInstanceCore` for Session Manager), an \
              `aws_iam_instance_profile` holding it, and set `iam_instance_profile`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_instance"],
            check,
            example: r#"resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
}"#,
            fixed_example: r#"resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  iam_instance_profile = "<instance-profile-name>"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::Instance", "AWS::IAM::InstanceProfile"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      IamInstanceProfile: '<instance-profile-name>'
"#,
        }),
    },
};

const FIX: &str = "Give the instance a profile (placeholder to replace)";

fn check(ctx: &mut TfContext) {
    for res in instances(ctx) {
        let profile = ctx.attr(res.block, "iam_instance_profile");
        if profile.as_ref().is_some_and(|(_, v)| v.as_str() != Some("")) {
            continue;
        }
        if !ctx.nested(res.config(), "launch_template").is_empty() || ctx.attr(res.block, "launch_template").is_some() {
            continue;
        }
        if res.is_module() {
            let creates = ctx.attr(res.block, "create_iam_instance_profile").map(|(_, v)| v.as_bool());
            if matches!(creates, Some(Some(true) | None)) {
                continue;
            }
        }
        let file = ctx.file(res);
        let fix = Fix::unsafe_(
            FIX,
            vec![edit::set_attribute(file, res.block, "iam_instance_profile", "\"<instance-profile-name>\"")],
        );
        let range = profile.map_or(res.block.header, |(a, _)| a.range);
        let message = format!("`{}` has no instance profile, so no role gives it credentials", res.address());
        ctx.report_with_fix(res, range, message, fix);
    }
}

/// Whether a template profile holds no role.
fn profile_without_role(ctx: &CfnContext, profile: CfnResource) -> bool {
    match ctx.prop(profile, "Roles") {
        None | Some((_, Value::Null)) => true,
        Some((_, Value::List(items))) => items.is_empty(),
        Some(_) => false,
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    let mut reported: Vec<&str> = Vec::new();
    for res in ctx.resources("AWS::EC2::Instance").collect::<Vec<_>>() {
        let Some(props) = res.properties else { continue };
        if props.intrinsic().is_some() || props.get("LaunchTemplate").is_some() {
            continue;
        }
        let Some(entry) = props.entry("IamInstanceProfile") else {
            let edit =
                cfn_edit::set_property(ctx.template, res, "IamInstanceProfile", &json!("<instance-profile-name>"));
            let message = format!("`{}` has no instance profile, so no role gives it credentials", res.logical_id);
            let range = ctx.header(res);
            ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
            continue;
        };
        let node: &Node = &entry.value;
        match cfn_named(ctx, node) {
            Some(profile) if profile.ty == "AWS::IAM::InstanceProfile" => {
                if profile_without_role(ctx, profile) && !reported.contains(&profile.logical_id) {
                    reported.push(profile.logical_id);
                    let message = format!(
                        "`{}` (the instance profile of `{}`) holds no role, so the instance gets no credentials",
                        profile.logical_id, res.logical_id
                    );
                    let range = ctx.header(profile);
                    ctx.report(profile, range, message);
                }
            }
            Some(_) => {}
            None => {
                // A `Ref` to nothing the template declares, resource or parameter, cannot deploy.
                let Some(("Ref", arg)) = node.intrinsic() else { continue };
                let Some(name) = arg.as_str() else { continue };
                let is_param = ctx.template.root.get("Parameters").and_then(|p| p.get(name)).is_some();
                if is_param || name.starts_with("AWS::") {
                    continue;
                }
                let message = format!(
                    "`{}` refers to the instance profile `{name}`, which the template does not declare",
                    res.logical_id
                );
                ctx.report(res, entry.range, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_instances_without_a_profile() {
        let tf = r#"resource "aws_instance" "none" {
  ami = "ami-1"
}
resource "aws_instance" "empty" {
  iam_instance_profile = ""
}
resource "aws_instance" "ok" {
  iam_instance_profile = aws_iam_instance_profile.app.name
}
resource "aws_instance" "template" {
  launch_template {
    id = aws_launch_template.lt.id
  }
}
module "ec2" {
  source = "terraform-aws-modules/ec2-instance/aws"
}
module "creates" {
  source                      = "terraform-aws-modules/ec2-instance/aws"
  create_iam_instance_profile = true
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5, 15]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn cloudformation_missing_dangling_and_empty_profiles() {
        let yaml = "Parameters:\n  Profile: {Type: String}\nResources:\n  NoIAM:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n  Missing:\n    Type: AWS::EC2::Instance\n    Properties:\n      IamInstanceProfile: !Ref NonExistantProfile\n  NoRoles:\n    Type: AWS::EC2::Instance\n    Properties:\n      IamInstanceProfile: NoRolesProfile\n  NoRolesProfile:\n    Type: AWS::IAM::InstanceProfile\n    Properties:\n      Path: /\n  Good:\n    Type: AWS::EC2::Instance\n    Properties:\n      IamInstanceProfile: !Ref Profile\n  Named:\n    Type: AWS::EC2::Instance\n    Properties:\n      IamInstanceProfile: external-profile\n";
        assert_eq!(cfn_lines(&RULE, yaml), [4, 11, 16]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
