use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::kit::setting::cfn_lower;
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "glue-job-end-of-support-version",
    title: "Glue Spark job runs on a Glue version past its end of support",
    severity: Severity::Medium,
    row: Row::OsPatching,
    service: "Glue",
    why: "A Glue version fixes the job's runtime: Spark, Python or Scala, and their libraries. Glue 0.9, 1.0 and 2.0 \
          reached end of support (June 2022, September 2022, January 2024): AWS no longer applies security patches \
          to them, so the job processes data on known-vulnerable Spark and Python.",
    aws_side: "AWS builds and patches the runtimes of supported Glue versions. Moving jobs to a supported version \
               (and testing their scripts on it) is the customer's duty.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_glue_job"],
            path: "glue_version",
            applies: Some(spark_job),
            example: r#"resource "aws_glue_job" "etl" {
  name         = "etl"
  role_arn     = aws_iam_role.glue.arn
  glue_version = "2.0"

  command {
    script_location = "s3://scripts/etl.py"
  }
}"#,
            fixed: r#"resource "aws_glue_job" "etl" {
  name         = "etl"
  role_arn     = aws_iam_role.glue.arn
  glue_version = "5.0"

  command {
    script_location = "s3://scripts/etl.py"
  }
}"#,
            ..Tf::DEFAULT
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::Glue::Job"],
            path: "GlueVersion",
            applies: Some(spark_job_cfn),
            example: r#"Resources:
  Etl:
    Type: AWS::Glue::Job
    Properties:
      Role: !Ref GlueRole
      GlueVersion: "1.0"
      Command:
        Name: glueetl
        ScriptLocation: s3://scripts/etl.py
"#,
            fixed: r#"Resources:
  Etl:
    Type: AWS::Glue::Job
    Properties:
      Role: !Ref GlueRole
      GlueVersion: "5.0"
      Command:
        Name: glueetl
        ScriptLocation: s3://scripts/etl.py
"#,
        }),
        want: Want::NoneOf { insecure: &["0.9", "1.0", "2.0"], fix: "5.0" },
        absent: None,
        insecure: "that Glue version is past its end of support and gets no security patches",
        fix: "Set the Glue version to `5.0` (Spark 3.5, Python 3.11), or at least `4.0`, after testing the script \
              on it: Spark 3 changes some behaviour of Spark 2 jobs.",
        fix_title: "Run the job on Glue 5.0 (test the script first)",
    },
};

/// A Spark job (`command.name` absent, `glueetl` or `gluestreaming`): Python shell and Ray jobs number their
/// Glue versions differently (a Python shell job on `1.0` may run Python 3.9).
fn is_spark(name: &Value) -> bool {
    match name {
        Value::Null => true,
        Value::String(n) => n.eq_ignore_ascii_case("glueetl") || n.eq_ignore_ascii_case("gluestreaming"),
        _ => false,
    }
}

fn spark_job(ctx: &TfContext, res: Resource) -> bool {
    let Some(command) = ctx.nested(res.config(), "command").into_iter().next() else { return true };
    is_spark(&command.attr("name").map_or(Value::Null, |f| ctx.value(f)))
}

fn spark_job_cfn(ctx: &CfnContext, res: CfnResource) -> bool {
    is_spark(&cfn_lower(ctx, res, "Command.Name"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_spark_jobs_on_old_versions() {
        let tf = r#"resource "aws_glue_job" "old" {
  glue_version = "0.9"
}
resource "aws_glue_job" "streaming" {
  glue_version = "1.0"
  command {
    name = "gluestreaming"
  }
}
resource "aws_glue_job" "current" {
  glue_version = "4.0"
}
resource "aws_glue_job" "shell" {
  glue_version = "1.0"
  command {
    name           = "pythonshell"
    python_version = "3.9"
  }
}
resource "aws_glue_job" "absent" {
  name = "a"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5]);
        assert_eq!(check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_spark_jobs() {
        let yaml = "Resources:\n  Old:\n    Type: AWS::Glue::Job\n    Properties:\n      GlueVersion: '2.0'\n  Shell:\n    Type: AWS::Glue::Job\n    Properties:\n      GlueVersion: '1.0'\n      Command:\n        Name: pythonshell\n  New:\n    Type: AWS::Glue::Job\n    Properties:\n      GlueVersion: '5.0'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
