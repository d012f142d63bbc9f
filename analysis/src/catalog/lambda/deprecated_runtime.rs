use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::lifecycle::Date;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "lambda-deprecated-runtime",
    title: "Lambda function uses a deprecated (or soon deprecated) runtime",
    severity: Severity::High,
    row: Row::OsPatching,
    service: "Lambda",
    why: "A deprecated runtime no longer receives security patches for the language runtime or the operating \
          system under it, and is not eligible for technical support; soon after, functions using it can no \
          longer be created or updated, so even an urgent code fix cannot be deployed without a migration.",
    aws_side: "AWS patches the managed runtimes while they are supported and publishes their deprecation dates \
               (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html). Moving functions to a supported \
               runtime is the customer's duty. Dates used (deprecation, phase 1): nodejs18.x 2025-09-01, \
               nodejs20.x 2026-04-30, nodejs22.x 2027-04-30, python3.8 2024-10-14, python3.9 2025-12-15, \
               python3.12 2028-10-31, ruby3.2 2026-03-31, ruby3.3 2027-03-31, dotnet6 2024-12-20, dotnet8 \
               2026-11-10, java8 (AL1), go1.x and provided (AL1) 2024-01-08, and the older runtimes. The Amazon \
               Linux 2 runtimes (java8.al2, java11, java17, python3.10, python3.11, provided.al2) are not \
               listed: AWS keeps patching them past Amazon Linux 2's end of life (2026-06-30) until dates this \
               table does not yet carry.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_363"],
        kics: &[],
        trivy: &[],
        how: "Checkov's CKV_AWS_363 fails a fixed list of runtimes that lacks some deprecated ones (`python3.8`, \
              `nodejs18.x`); this rule judges each runtime by its deprecation date, and flags it from 120 days \
              before.",
    },
    matcher: &Custom {
        what: "Flags `aws_lambda_function` runtimes (also the `runtime` input of `terraform-aws-modules/lambda` and \
               `aws_lambda_layer_version.compatible_runtimes`; in templates, `AWS::Lambda::Function` and AWS SAM \
               functions, their `Globals` included) that AWS has deprecated, or will deprecate within \
               120 days, according to the Lambda runtime table (dates below).",
        fix: "Move the function to the latest runtime of its language (`nodejs24.x`, `python3.14`, `java25`, \
              `dotnet10`, `ruby3.4`, `provided.al2023`) and test it: major versions are not backward compatible.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lambda_function", "aws_lambda_layer_version"],
            check,
            example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  handler       = "app.handler"
  runtime       = "python3.8"
  filename      = "worker.zip"
}"#,
            fixed_example: r#"resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.worker.arn
  handler       = "app.handler"
  runtime       = "python3.14"
  filename      = "worker.zip"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &CFN_FUNCTIONS,
            check: check_cfn,
            example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Role: !GetAtt WorkerRole.Arn
      Runtime: python3.8
      Code: {S3Bucket: my-code, S3Key: worker.zip}
"#,
            fixed_example: r#"Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Handler: app.handler
      Role: !GetAtt WorkerRole.Arn
      Runtime: python3.14
      Code: {S3Bucket: my-code, S3Key: worker.zip}
"#,
        }),
    },
};

/// The function and layer types of templates (AWS SAM's included).
const CFN_FUNCTIONS: [&str; 4] = [
    "AWS::Lambda::Function",
    "AWS::Serverless::Function",
    "AWS::Lambda::LayerVersion",
    "AWS::Serverless::LayerVersion",
];

fn check_cfn(ctx: &mut CfnContext) {
    // Without a date the support windows cannot be judged: nothing is flagged.
    if let Some(today) = ctx.today() {
        check_cfn_at(ctx, today);
    }
}

fn check_cfn_at(ctx: &mut CfnContext, today: Date) {
    // AWS SAM: `Globals.Function` gives the functions of the template the properties they do not set.
    let globals = ctx.template.root.get("Globals").and_then(|g| g.get("Function"));
    for ty in &CFN_FUNCTIONS[..2] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let sam = res.ty == "AWS::Serverless::Function";
            let own_or_global = |key: &str| {
                ctx.prop(res, key).or_else(|| {
                    let node = globals.filter(|_| sam)?.get(key)?;
                    Some((node, ctx.eval(node)))
                })
            };
            // Container-image functions bring their own runtime.
            if let Some((_, v)) = own_or_global("PackageType") {
                if !v.as_str().is_some_and(|p| p.eq_ignore_ascii_case("Zip")) {
                    continue;
                }
            }
            let inherited = ctx.prop(res, "Runtime").is_none();
            let Some((node, v)) = own_or_global("Runtime") else { continue };
            let Some(runtime) = v.as_str() else { continue };
            let Some(message) = status(runtime, today) else { continue };
            let next = successor(runtime);
            let fix = Fix::unsafe_(
                format!("Move to `{next}` (test the code on it first)"),
                vec![cfn_edit::replace_value(ctx.template, node, &json!(next))],
            );
            let (range, message) = if inherited {
                (ctx.header(res), format!("`{}` inherits from `Globals` the runtime {message}", res.logical_id))
            } else {
                let range = ctx.prop_range(res, "Runtime").unwrap_or(node.range);
                (range, format!("`{}` uses the runtime {message}", res.logical_id))
            };
            ctx.report(res, range, message).fixes.push(fix);
        }
    }
    for ty in &CFN_FUNCTIONS[2..] {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some((node, v)) = ctx.prop(res, "CompatibleRuntimes") else { continue };
            let flagged: Vec<String> =
                v.one_or_many().iter().filter_map(|r| r.as_str()).filter_map(|r| status(r, today)).collect();
            if !flagged.is_empty() {
                let message = format!("`{}` declares compatibility with {}", res.logical_id, flagged.join("; "));
                let range = ctx.prop_range(res, "CompatibleRuntimes").unwrap_or(node.range);
                ctx.report(res, range, message);
            }
        }
    }
}

/// Runtimes and their deprecation (phase 1) dates, from the AWS Lambda runtime table (snapshot: 2026).
const RUNTIMES: &[(&str, Date)] = &[
    ("nodejs", Date::new(2016, 10, 31)),
    ("nodejs4.3", Date::new(2020, 3, 5)),
    ("nodejs4.3-edge", Date::new(2020, 3, 5)),
    ("nodejs6.10", Date::new(2019, 8, 12)),
    ("nodejs8.10", Date::new(2020, 3, 6)),
    ("nodejs10.x", Date::new(2021, 7, 30)),
    ("nodejs12.x", Date::new(2023, 3, 31)),
    ("nodejs14.x", Date::new(2023, 12, 4)),
    ("nodejs16.x", Date::new(2024, 6, 12)),
    ("nodejs18.x", Date::new(2025, 9, 1)),
    ("nodejs20.x", Date::new(2026, 4, 30)),
    ("nodejs22.x", Date::new(2027, 4, 30)),
    ("nodejs24.x", Date::new(2028, 4, 30)),
    ("python2.7", Date::new(2021, 7, 15)),
    ("python3.6", Date::new(2022, 7, 18)),
    ("python3.7", Date::new(2023, 12, 4)),
    ("python3.8", Date::new(2024, 10, 14)),
    ("python3.9", Date::new(2025, 12, 15)),
    ("python3.12", Date::new(2028, 10, 31)),
    ("python3.13", Date::new(2029, 6, 30)),
    ("python3.14", Date::new(2029, 6, 30)),
    ("ruby2.5", Date::new(2021, 7, 30)),
    ("ruby2.7", Date::new(2023, 12, 7)),
    ("ruby3.2", Date::new(2026, 3, 31)),
    ("ruby3.3", Date::new(2027, 3, 31)),
    ("ruby3.4", Date::new(2028, 3, 31)),
    ("java8", Date::new(2024, 1, 8)),
    ("java21", Date::new(2029, 6, 30)),
    ("java25", Date::new(2029, 6, 30)),
    ("go1.x", Date::new(2024, 1, 8)),
    ("provided", Date::new(2024, 1, 8)),
    ("provided.al2023", Date::new(2029, 6, 30)),
    ("dotnetcore1.0", Date::new(2019, 7, 27)),
    ("dotnetcore2.0", Date::new(2019, 5, 30)),
    ("dotnetcore2.1", Date::new(2022, 1, 5)),
    ("dotnetcore3.1", Date::new(2023, 4, 3)),
    ("dotnet5.0", Date::new(2022, 5, 10)),
    ("dotnet6", Date::new(2024, 12, 20)),
    ("dotnet7", Date::new(2024, 5, 14)),
    ("dotnet8", Date::new(2026, 11, 10)),
    ("dotnet10", Date::new(2028, 11, 14)),
];

/// How long before its deprecation a runtime is flagged (AWS Trusted Advisor warns 120 days ahead).
const NOTICE_DAYS: i64 = 120;

/// The latest runtime of the same language.
fn successor(runtime: &str) -> &'static str {
    match runtime {
        r if r.starts_with("nodejs") => "nodejs24.x",
        r if r.starts_with("python") => "python3.14",
        r if r.starts_with("ruby") => "ruby3.4",
        r if r.starts_with("java") => "java25",
        r if r.starts_with("dotnet") => "dotnet10",
        _ => "provided.al2023",
    }
}

/// A message about `runtime` if it is deprecated or close to it on `today`.
fn status(runtime: &str, today: Date) -> Option<String> {
    let (_, date) = RUNTIMES.iter().find(|(r, _)| *r == runtime)?;
    let days = today.days_until(*date);
    if days <= 0 {
        Some(format!("`{runtime}`, deprecated since {date}: it gets no security patches"))
    } else if days <= NOTICE_DAYS {
        Some(format!("`{runtime}`, deprecated on {date} (in {days} days)"))
    } else {
        None
    }
}

fn check(ctx: &mut TfContext) {
    // Without a date the support windows cannot be judged: nothing is flagged.
    if let Some(today) = ctx.today() {
        check_at(ctx, today);
    }
}

fn check_at(ctx: &mut TfContext, today: Date) {
    for res in ctx.resources_like("aws_lambda_function", "lambda").collect::<Vec<_>>() {
        check_function(ctx, res, today);
    }
    for res in ctx.resources("aws_lambda_layer_version").collect::<Vec<_>>() {
        let Some((attr, v)) = ctx.attr(res.block, "compatible_runtimes") else { continue };
        let flagged: Vec<String> =
            v.one_or_many().iter().filter_map(|r| r.as_str()).filter_map(|r| status(r, today)).collect();
        if !flagged.is_empty() {
            let message = format!("`{}` declares compatibility with {}", res.address(), flagged.join("; "));
            ctx.report(res, attr.range, message);
        }
    }
}

fn check_function(ctx: &mut TfContext, res: Resource, today: Date) {
    // Container-image functions bring their own runtime.
    if let Some((_, v)) = ctx.attr(res.block, "package_type") {
        if !v.as_str().is_some_and(|p| p.eq_ignore_ascii_case("Zip")) {
            return;
        }
    }
    let Some((attr, v)) = ctx.attr(res.block, "runtime") else { return };
    let Some(runtime) = v.as_str() else { return };
    let Some(message) = status(runtime, today) else { return };
    let file = ctx.file(res);
    let next = successor(runtime);
    let fix = Fix::unsafe_(
        format!("Move to `{next}` (test the code on it first)"),
        vec![edit::set_attribute(file, res.block, "runtime", &format!("\"{next}\""))],
    );
    ctx.report_with_fix(res, attr.range, format!("`{}` uses the runtime {message}", res.address()), fix);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, module_files};
    use crate::terraform::Module;

    fn lines_at(text: &str, today: Date) -> Vec<usize> {
        let tf = module_files(&[("main.tf", text)]);
        let expansions = crate::terraform::expand::Expansions::new();
        let module = Module::new(tf.iter().collect(), &expansions);
        let mut findings = Vec::new();
        check_at(&mut TfContext::new(&module, &RULE, &mut findings), today);
        findings.iter().map(|f| text[..f.range.start].matches('\n').count() + 1).collect()
    }

    const TEXT: &str = r#"
resource "aws_lambda_function" "old" {
  runtime = "python3.8"
}
resource "aws_lambda_function" "node20" {
  runtime = "nodejs20.x"
}
resource "aws_lambda_function" "node22" {
  runtime = "nodejs22.x"
}
resource "aws_lambda_function" "current" {
  runtime = "python3.13"
}
resource "aws_lambda_function" "image" {
  package_type = "Image"
  runtime      = "python3.8"
}
resource "aws_lambda_function" "zip" {
  package_type = "Zip"
  runtime      = "go1.x"
}
resource "aws_lambda_function" "unknown" {
  runtime = var.runtime
}
resource "aws_lambda_layer_version" "layer" {
  compatible_runtimes = ["python3.9", "python3.13"]
}
module "fn" {
  source  = "terraform-aws-modules/lambda/aws"
  runtime = "dotnet8"
}
"#;

    #[test]
    fn flags_by_date() {
        assert_eq!(lines_at(TEXT, Date::new(2026, 11, 29)), [3, 6, 20, 30, 26]);
        // Within the notice window, nodejs22.x (2027-04-30) is flagged too.
        assert_eq!(lines_at(TEXT, Date::new(2027, 1, 15)), [3, 6, 9, 20, 30, 26]);
        assert_eq!(lines_at(TEXT, Date::new(2024, 1, 1)), [20]);
        assert!(status("python3.12", Date::new(2026, 11, 29)).is_none());
        assert!(status("java17", Date::new(2026, 11, 29)).is_none());
    }

    #[test]
    fn fixes_move_to_the_latest_runtime() {
        assert_eq!(check_fixes(&RULE, "resource \"aws_lambda_function\" \"f\" {\n  runtime = \"nodejs14.x\"\n}\n"), 1);
        assert_eq!(successor("go1.x"), "provided.al2023");
    }

    #[test]
    fn cloudformation_and_sam() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        // Tests run on TEST_TODAY (2026-11-29).
        let yaml = r#"Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: nodejs18.x
Resources:
  Old:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.8
  Current:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.13
  Image:
    Type: AWS::Lambda::Function
    Properties:
      PackageType: Image
      Runtime: python3.8
  Unknown:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: !Ref Runtime
  Inherits:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
  Own:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: java21
  Layer:
    Type: AWS::Lambda::LayerVersion
    Properties:
      CompatibleRuntimes: [python3.9, python3.13]
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [9, 23, 34]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json = r#"{"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "go1.x"}}}}"#;
        assert_eq!(cfn_lines(&RULE, json), [1]);
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
