"""Test code that reads, resets and rewinds Glue job bookmarks against moto (`testing` extra).

moto implements Glue jobs and job runs but not job bookmarks. `install()` adds them to moto's
Glue, in-process under `mock_aws()` and in moto server mode alike:

- `GetJobBookmark` and `ResetJobBookmark` (with and without a `RunId`);
- `StartJobRun` on a job whose arguments enable bookmarks advances its bookmark, as a run that
  finished and committed would; a paused run leaves it, and fails when its
  `--job-bookmark-from` or `--job-bookmark-to` names no run of the job;
- `GetJobRuns` and `GetJobRun` list the runs whose ids the bookmark names;
- `seed_job_bookmark()` gives a job the entry a test needs, `seed_job_run()` adds a run that
  started when and ended as the test says (committing its bookmark), `set_bookmark_state()`
  sets what the latest run committed, and `bookmark_calls()` counts the calls a job received.

```python
import boto3
from moto import mock_aws
from glue_bookmarks import BookmarkState, GlueBookmarks, HadoopSourceState
from glue_bookmarks.testing import install, set_bookmark_state

install()
with mock_aws():
    glue = boto3.client("glue", region_name="us-east-1")
    glue.create_job(
        Name="nightly", Role="etl", Command={"Name": "glueetl"},
        DefaultArguments={"--job-bookmark-option": "job-bookmark-enable"},
        ExecutionProperty={"MaxConcurrentRuns": 10},
    )
    run_id = glue.start_job_run(JobName="nightly")["JobRunId"]
    set_bookmark_state("nightly", BookmarkState({"datasource0": HadoopSourceState(run=1)}))
    entry = GlueBookmarks(client=glue).get_job_bookmark("nightly")
    assert (entry.run, entry.run_id) == (1, run_id)
```

With pytest, the `glue_moto_client` and `glue_moto_server_url` fixtures
(`glue_bookmarks.testing.pytest_plugin`, loaded automatically) do the set-up above.

The docs' "Testing with moto" page lists what the extension answers, case by case, and which
of those answers are our choice where AWS does not document Glue's behaviour.

Run `python -m glue_bookmarks.testing --port 5000` to serve moto with the extension on
127.0.0.1, for clients in any language (`aws glue get-job-bookmark --endpoint-url ...`);
there, and behind the `glue_moto_server_url` fixture, `POST /glue-bookmarks/seed-job-bookmark`
and `POST /glue-bookmarks/seed-job-run` seed over HTTP. Either server answers this machine only
(a loopback `Host`, no web page's `Origin`), and of moto's own API only `POST /moto-api/reset`.

Importing this package does not import moto; using it does.
"""

from glue_bookmarks.testing._bookmarks import (
    bookmark_calls,
    seed_job_bookmark,
    seed_job_run,
    set_bookmark_state,
)
from glue_bookmarks.testing._moto import install

__all__ = ["bookmark_calls", "install", "seed_job_bookmark", "seed_job_run", "set_bookmark_state"]

# Tracebacks, help() and the API reference show the public path, not the private module.
for _name in __all__:
    globals()[_name].__module__ = __name__
del _name
