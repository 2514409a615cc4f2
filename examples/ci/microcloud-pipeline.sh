#!/usr/bin/env bash
# The GitOps pipeline of docs/gitops.md, one stage per call, so GitHub Actions, GitLab CI and this
# project's own CI (tests/docs/gitops.test.ts, against the lab) run exactly the same commands.
#
#   examples/ci/microcloud-pipeline.sh check  SITE.yaml   # merge request: validate, plan, save the plan
#   examples/ci/microcloud-pipeline.sh apply  SITE.yaml   # after approval: apply the saved plan
#   examples/ci/microcloud-pipeline.sh verify SITE.yaml   # after apply: in sync and healthy
#
# Environment: MICROCLOUD (the command; default `microcloud`), PLAN_DIR (where the saved plan,
# its text and the apply events go; default ./plan). Secrets (the session passphrase, lxd.config
# keys) come from the CI's secret store into the file or the environment, never into the repo.
# Exit codes: 0 success or no changes; 2 (check) the plan has changes, so a reviewer must look;
# anything else is a failure.
set -euo pipefail
stage=${1:?usage: microcloud-pipeline.sh check|apply|verify SITE.yaml}
site=${2:?usage: microcloud-pipeline.sh check|apply|verify SITE.yaml}
read -r -a mc <<< "${MICROCLOUD:-microcloud}"
plans=${PLAN_DIR:-plan}
mkdir -p "$plans"

case "$stage" in
  check)
    "${mc[@]}" validate "$site"
    # 0: no changes; 2: changes to review; 1: an error (the pipeline fails). The saved plan is the
    # versioned JSON document; plan.txt is what the reviewer reads.
    set +e
    "${mc[@]}" plan "$site" --detailed-exitcode --out "$plans/site.plan" --no-color | tee "$plans/plan.txt"
    code=${PIPESTATUS[0]}
    set -e
    exit "$code"
    ;;
  apply)
    # The reviewed plan, exactly: refused if the file, the site or the steps moved since.
    "${mc[@]}" apply "$plans/site.plan" --auto-approve --json --lock-timeout 10m | tee "$plans/apply.jsonl"
    exit "${PIPESTATUS[0]}"
    ;;
  verify)
    "${mc[@]}" status "$site" --json | tee "$plans/status.json"
    exit "${PIPESTATUS[0]}"
    ;;
  *)
    echo "microcloud-pipeline.sh: unknown stage $stage (check, apply, verify)" >&2
    exit 64
    ;;
esac
