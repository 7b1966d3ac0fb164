/// The demo pipeline and its models config, embedded so that `floe demo` works from any
/// folder. They are the texts of pipelines/demo.yaml and pipelines/demo-models.yaml, byte
/// for byte (a test checks that each pair agrees; after editing a YAML file, paste it here).
enum DemoPipeline {
    static let yaml = #"""
# Demo pipeline: a week of synthetic flows (with anomalies and some dirt) through every
# stage: generate → ingest → clean → train → score → report.  `swift run floe demo` runs this same file
# (embedded in the binary) into demo-out/. Stages run as `floe STAGE` (the same code as
# floe-STAGE), so `swift run floe demo`, which builds only `floe`, has every stage.
#   floe plan pipelines/demo.yaml
#   floe run pipelines/demo.yaml            # second run: everything skipped
#   floe status pipelines/demo.yaml         # what would run and why
# Paths are relative to the folder floe run is started in. The demo is sized to finish in
# seconds: 100,000 flows, and the models of pipelines/demo-models.yaml.
version: 1

settings:
  timezone: UTC
  internal_networks: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7]

vars:
  data: ${FLOE_DATA:-data/demo}
  models_config: ${FLOE_DEMO_MODELS:-pipelines/demo-models.yaml}

stages:
  generate:
    run: floe generate
    outputs: "{data}/source/flows.csv.gz"
    params:
      rows: 100000
      days: 7
      seed: 42
      dialect: nfdump-csv
      start: "2026-11-02"
      dirt: 0.01
      gzip: true
      output: "{outputs}"

  ingest:
    run: floe ingest
    inputs: "{data}/source/flows.csv.gz"
    outputs: "{data}/raw"
    params:
      timezone: "{timezone}"
      quiet: true
      output: "{outputs}"
    args: ["{inputs}"]

  clean:
    run: floe clean
    inputs: "{data}/raw"
    outputs: "{data}/flows"
    params:
      reference-time: "2026-11-09T00:00:00Z"
      output: "{outputs}"
    args: ["{inputs}"]

  train:
    run: floe train
    inputs: ["{data}/flows", "{models_config}"]
    outputs: "{data}/models"
    params:
      dataset: "{data}/flows"
      config: "{models_config}"
      output: "{outputs}"

  score:
    run: floe score
    inputs: ["{data}/flows", "{data}/models"]
    outputs: "{data}/scores"
    params:
      models: "{data}/models"
      dataset: "{data}/flows"
      output: "{outputs}"

  report:
    run: floe report
    inputs: ["{data}/flows", "{data}/scores"]
    needs: [ingest]
    outputs: "{data}/report"
    params:
      dataset: "{data}/flows"
      ingest: "{data}/raw"
      scores: "{data}/scores"
      title: "floe demo: one week of generated traffic"
      output: "{outputs}"

"""#

    /// The `models:` config of the demo's train stage (pipelines/demo-models.yaml): the
    /// pipeline reads its path from `$FLOE_DEMO_MODELS`, which `floe demo` sets.
    static let modelsYAML = #"""
# The models of the demo pipeline (pipelines/demo.yaml's train stage reads it; `floe demo`
# writes this same file, embedded in the binary, beside its demo.yaml). Every key not
# named here keeps its default (docs/timeseries.md, docs/cluster.md).
#
# Sized for the demo, whose first run a newcomer waits for: each series' ARIMA is fitted
# on the last day of its remainder (1,440 one-minute buckets) instead of the last three
# days (4,320, the default), so its back-test and its final fit take less than half the
# time. The demo shows the same kinds of models, anomalies and incidents as with the default.
models:
  timeseries:
    model:
      arima_window: 1440

"""#
}
