use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::Node;
use crate::fix::Fix;
use crate::kit::ec2::instances;
use crate::kit::refs::{list_items, reference, RefKind};
use crate::kit::versions;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::terraform::model::Expr;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ec2-default-security-group",
    title: "EC2 instance uses the default security group",
    severity: Severity::Medium,
    row: Row::NetworkSecurity,
    service: "EC2",
    why: "The default security group is shared by everything in the VPC that was launched without a group, and \
          lets all of its members talk to each other on every port; an instance that lands there is reachable from \
          any other forgotten resource, and a rule added to the default group for one purpose opens every member.",
    aws_side: "AWS creates the default group in every VPC and attaches it when no group is named. Naming a \
               purpose-built group is the customer's job.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &[
            "f1adc521-f79a-4d71-b55b-a68294687432",
            "a31a5a29-718a-4ff4-8001-a69e5e4d029e",
            "08b81bb3-0985-4023-8602-b606ad81d279",
        ],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags EC2 instances (`aws_instance`, `ec2-instance` module calls before 6.0, which create no group of \
               their own, and `AWS::EC2::Instance`) that list the default security group (`aws_default_security_group`, \
               a group or data source called `default`, the group name `default`, `!GetAtt Vpc.DefaultSecurityGroup`), \
               or that name no security group, network interface or launch template at all, so that EC2 attaches the \
               VPC's default group.",
        fix: "Create a security group for the instance's purpose and list it in `vpc_security_group_ids` \
              (CloudFormation: `SecurityGroupIds`).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_instance"],
            check,
            example: r#"resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.app.id
}"#,
            fixed_example: r#"resource "aws_instance" "web" {
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  subnet_id     = aws_subnet.app.id
  vpc_security_group_ids = ["<security-group-id>"]
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::EC2::Instance"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      SubnetId: !Ref AppSubnet
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      SubnetId: !Ref AppSubnet
      SecurityGroupIds:
        - '<security-group-id>'
"#,
        }),
    },
};

/// Whether a security group reference (or name) is the VPC's default group.
fn is_default_group(ctx: &TfContext, expr: &Expr) -> bool {
    let Some(r) = reference(expr) else {
        return ctx.eval(expr).as_str().is_some_and(|s| s.eq_ignore_ascii_case("default"));
    };
    let named_default = |value: Option<Value>| value.and_then(|v| v.as_str().map(|s| s == "default")) == Some(true);
    match (r.kind, r.ty.as_str()) {
        (RefKind::Resource, "aws_default_security_group") => true,
        (RefKind::Resource, "aws_security_group") | (RefKind::Data, "aws_security_group") => {
            let targets = r.targets(ctx);
            if targets.is_empty() {
                // Not declared here: its name is all there is to go by.
                return r.name == "default";
            }
            targets.iter().any(|t| {
                let by_name = named_default(ctx.attr(t.block, "name").map(|(_, v)| v));
                let by_filter = ctx.blocks_of(t.block, "filter").into_iter().any(|f| {
                    ctx.attr(f, "name").is_some_and(|(_, v)| v.as_str() == Some("group-name"))
                        && ctx
                            .attr(f, "values")
                            .is_some_and(|(_, v)| v.one_or_many().iter().any(|x| x.as_str() == Some("default")))
                });
                by_name || by_filter
            })
        }
        _ => false,
    }
}

fn check(ctx: &mut TfContext) {
    for res in instances(ctx) {
        let mut listed = false;
        for attr in ["vpc_security_group_ids", "security_groups"] {
            let Some((field, _)) = ctx.attr(res.block, attr) else { continue };
            listed = true;
            if list_items(&field.expr).iter().any(|e| is_default_group(ctx, e)) {
                let message = format!("`{}` lists the default security group in `{attr}`", res.address());
                ctx.report(res, field.range, message);
            }
        }
        let elsewhere = ["network_interface", "launch_template"]
            .iter()
            .any(|n| !ctx.nested(res.config(), n).is_empty() || ctx.attr(res.block, n).is_some());
        if listed || elsewhere {
            continue;
        }
        if res.is_module() {
            // Since 6.0 the module creates a security group for the instance by default.
            let creates = match ctx.attr(res.block, "create_security_group") {
                Some((_, v)) => v.as_bool() != Some(false),
                None => !versions::module_below(res, &[6, 0]),
            };
            if creates {
                continue;
            }
        }
        let file = ctx.file(res);
        let fix = Fix::unsafe_(
            "List a security group of its own (placeholder to replace)",
            vec![edit::set_attribute(file, res.block, "vpc_security_group_ids", "[\"<security-group-id>\"]")],
        );
        let message = format!("`{}` names no security group, so EC2 attaches its VPC's default group", res.address());
        ctx.report_with_fix(res, res.block.header, message, fix);
    }
}

/// Whether a template's group reference (or name) is a default security group.
fn cfn_is_default_group(ctx: &CfnContext, node: &Node) -> bool {
    match node.intrinsic() {
        Some(("Ref", arg)) => {
            let Some(name) = arg.as_str() else { return false };
            let declared = ctx.template.resources().any(|r| r.logical_id == name);
            match ctx.eval(node) {
                Value::String(s) => s.eq_ignore_ascii_case("default"),
                _ => !declared && name.eq_ignore_ascii_case("default"),
            }
        }
        Some(("Fn::GetAtt", arg)) => match arg.as_str() {
            Some(s) => s.ends_with(".DefaultSecurityGroup"),
            None => arg.items().get(1).and_then(Node::as_str) == Some("DefaultSecurityGroup"),
        },
        Some(_) => false,
        None => node.as_str().is_some_and(|s| s.eq_ignore_ascii_case("default")),
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::EC2::Instance").collect::<Vec<_>>() {
        let Some(props) = res.properties else { continue };
        let mut listed = false;
        for key in ["SecurityGroupIds", "SecurityGroups"] {
            let Some(entry) = props.entry(key) else { continue };
            listed = true;
            if entry.value.items().iter().any(|n| cfn_is_default_group(ctx, n)) {
                let message = format!("`{}` lists the default security group in `{key}`", res.logical_id);
                ctx.report(res, entry.range, message);
            }
        }
        let interfaces = props.get("NetworkInterfaces").map(Node::items).unwrap_or_default();
        let in_interfaces = interfaces.iter().any(|i| i.get("GroupSet").is_some());
        if listed || in_interfaces || props.get("LaunchTemplate").is_some() || props.intrinsic().is_some() {
            continue;
        }
        let edit = cfn_edit::set_property(ctx.template, res, "SecurityGroupIds", &json!(["<security-group-id>"]));
        let fix = Fix::unsafe_("List a security group of its own (placeholder to replace)", vec![edit]);
        let message = format!("`{}` names no security group, so EC2 attaches its VPC's default group", res.logical_id);
        let range = ctx.header(res);
        ctx.report(res, range, message).fixes.push(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_default_groups_and_instances_without_groups() {
        let tf = r#"resource "aws_instance" "a" {
  security_groups = [aws_security_group.default.id]
}
resource "aws_instance" "b" {
  vpc_security_group_ids = [aws_default_security_group.d.id, aws_security_group.app.id]
}
resource "aws_instance" "c" {
  vpc_security_group_ids = [data.aws_security_group.main_default.id]
}
data "aws_security_group" "main_default" {
  name = "default"
}
resource "aws_instance" "none" {
  ami = "ami-1"
}
resource "aws_instance" "ok" {
  vpc_security_group_ids = ["aws_security_group.instance.id", var.sg]
}
resource "aws_instance" "eni" {
  network_interface {
    network_interface_id = aws_network_interface.a.id
    device_index         = 0
  }
}
module "old" {
  source    = "terraform-aws-modules/ec2-instance/aws"
  version   = "~> 3.0"
  subnet_id = "subnet-1"
}
module "new" {
  source = "terraform-aws-modules/ec2-instance/aws"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5, 8, 13, 25]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn a_group_called_default_declared_with_another_name_is_not_the_default() {
        let tf = r#"resource "aws_security_group" "default" {
  name = "app"
}
resource "aws_instance" "a" {
  vpc_security_group_ids = [aws_security_group.default.id]
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_default_groups() {
        let yaml = "Resources:\n  A:\n    Type: AWS::EC2::Instance\n    Properties:\n      SecurityGroups:\n        - !Ref default\n  B:\n    Type: AWS::EC2::Instance\n    Properties:\n      SecurityGroupIds: [!GetAtt Vpc.DefaultSecurityGroup]\n  C:\n    Type: AWS::EC2::Instance\n    Properties:\n      SecurityGroups: [default]\n  D:\n    Type: AWS::EC2::Instance\n    Properties:\n      ImageId: ami-1\n  E:\n    Type: AWS::EC2::Instance\n    Properties:\n      SecurityGroups: [!Ref my_sg]\n  F:\n    Type: AWS::EC2::Instance\n    Properties:\n      NetworkInterfaces:\n        - DeviceIndex: 0\n          GroupSet: [!Ref Sg]\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 10, 14, 15]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
