"""The Dagster webserver's GraphQL API as the UI calls it: its requests, and the parameters of
the "Materialize all" button.

The requests mirror the UI's own (dagster-webserver 1.13's bundled source,
ui-core/src/assets/LaunchAssetExecutionButton.tsx and launchpad/uiExecutionTags.tsx): the
asset nodes are loaded, their common job (`__ASSET_JOB`) is launched with every asset key and
every asset check of that job, tagged `dagster/from_ui`.
"""

from __future__ import annotations

import requests

ASSET_JOB = "__ASSET_JOB"

WORKSPACE_QUERY = """
query Workspace {
  workspaceOrError {
    __typename
    ... on Workspace {
      locationEntries {
        name
        loadStatus
        locationOrLoadError {
          __typename
          ... on RepositoryLocation { name repositories { name } }
          ... on PythonError { message stack }
        }
      }
    }
    ... on PythonError { message stack }
  }
}
"""

# The asset catalog's view of every asset: the UI's "Materialize all" scope.
ALL_ASSETS_QUERY = """
query AllAssets {
  assetNodes { assetKey { path } isExecutable isObservable }
}
"""

# LaunchAssetLoaderQuery with the fields of LaunchAssetExecutionAssetNodeFragment it acts on.
LAUNCH_ASSET_LOADER_QUERY = """
query LaunchAssetLoaderQuery($assetKeys: [AssetKeyInput!]!) {
  assetNodes(assetKeys: $assetKeys) {
    id
    assetKey { path }
    jobNames
    isExecutable
    isObservable
    hasMaterializePermission
    partitionDefinition { name }
    configField { isRequired }
    assetChecksOrError {
      __typename
      ... on AssetChecks { checks { name jobNames } }
    }
    repository { name location { name } }
  }
  assetNodeAdditionalRequiredKeys(assetKeys: $assetKeys) { path }
  assetNodeDefinitionCollisions(assetKeys: $assetKeys) { assetKey { path } }
}
"""

# The UI's LAUNCH_PIPELINE_EXECUTION_MUTATION (ui-core/src/runs/RunUtils.tsx).
LAUNCH_MUTATION = """
mutation LaunchPipelineExecution($executionParams: ExecutionParams!) {
  launchPipelineExecution(executionParams: $executionParams) {
    __typename
    ... on LaunchRunSuccess { run { id runId pipelineName } }
    ... on PipelineNotFoundError { message }
    ... on InvalidSubsetError { message }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on PythonError { message stack }
  }
}
"""

RUN_QUERY = """
query Run($runId: ID!) {
  runOrError(runId: $runId) {
    __typename
    ... on Run {
      runId
      status
      jobName
      tags { key value }
      assetCheckSelection { name assetKey { path } }
    }
    ... on RunNotFoundError { message }
    ... on PythonError { message }
  }
}
"""

RUN_LOGS_QUERY = """
query RunLogs($runId: ID!, $cursor: String) {
  logsForRun(runId: $runId, afterCursor: $cursor) {
    __typename
    ... on EventConnection {
      cursor
      hasMore
      events {
        __typename
        ... on MessageEvent { message level stepKey }
        ... on ErrorEvent { error { message stack } }
      }
    }
    ... on PythonError { message }
  }
}
"""

ASSET_CHECKS_QUERY = """
query AssetChecks {
  assetNodes {
    assetKey { path }
    assetChecksOrError {
      __typename
      ... on AssetChecks {
        checks {
          name
          jobNames
          executionForLatestMaterialization {
            runId
            status
            evaluation { success description }
          }
        }
      }
    }
  }
}
"""


class GraphQL:
    """The webserver's GraphQL endpoint at ``url``: a query's data, or an AssertionError."""

    def __init__(self, url: str):
        self.url = url
        self.session = requests.Session()
        self.session.trust_env = False  # never through a proxy: the server is on 127.0.0.1

    def __call__(self, query: str, variables: dict | None = None, timeout: float = 60) -> dict:
        response = self.session.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            timeout=timeout,
        )
        response.raise_for_status()
        body = response.json()
        assert not body.get("errors"), f"GraphQL errors: {body['errors']}"
        return body["data"]


def materialize_all_params(graphql: GraphQL) -> dict:
    """The executionParams the UI's "Materialize all" button sends for every asset."""
    scope = graphql(ALL_ASSETS_QUERY)["assetNodes"]
    keys = [
        {"path": node["assetKey"]["path"]}
        for node in scope
        if node["isExecutable"] and not node["isObservable"]
    ]
    assert keys, "the workspace defines no materializable asset"
    loaded = graphql(LAUNCH_ASSET_LOADER_QUERY, {"assetKeys": keys})
    assert not loaded["assetNodeDefinitionCollisions"], loaded["assetNodeDefinitionCollisions"]
    assert not loaded["assetNodeAdditionalRequiredKeys"], loaded["assetNodeAdditionalRequiredKeys"]
    assets = loaded["assetNodes"]
    assert len(assets) == len(keys)
    assert all(a["hasMaterializePermission"] for a in assets)
    # A partitioned asset or required config would open a dialog instead of launching a run.
    assert not any(a["partitionDefinition"] for a in assets)
    assert not any(a["configField"] and a["configField"]["isRequired"] for a in assets)
    repositories = {(a["repository"]["location"]["name"], a["repository"]["name"]) for a in assets}
    assert len(repositories) == 1, repositories
    ((location, repository),) = repositories
    # getCommonJob: the first job every asset belongs to
    common = [job for job in assets[0]["jobNames"] if all(job in a["jobNames"] for a in assets)]
    assert common and common[0] == ASSET_JOB, common
    # getAssetCheckHandleInputs: every check of the selected assets that runs in that job
    checks = [
        {"name": check["name"], "assetKey": {"path": a["assetKey"]["path"]}}
        for a in assets
        if a["assetChecksOrError"]["__typename"] == "AssetChecks"
        for check in a["assetChecksOrError"]["checks"]
        if not check["jobNames"] or ASSET_JOB in check["jobNames"]
    ]
    return {
        "mode": "default",
        # paramsWithUIExecutionTags adds the dagster/from_ui tag to the button's empty tags
        "executionMetadata": {"tags": [{"key": "dagster/from_ui", "value": "true"}]},
        "runConfigData": "{}",
        "selector": {
            "repositoryLocationName": location,
            "repositoryName": repository,
            "pipelineName": ASSET_JOB,
            "assetSelection": [{"path": a["assetKey"]["path"]} for a in assets],
            "assetCheckSelection": checks,
        },
    }
