/// The demo pipeline, embedded so that `floe demo` works from any folder. It is the text
/// of pipelines/demo.yaml, byte for byte (a test checks that the two agree; after editing
/// the YAML, paste it here).
enum DemoPipeline {
    static let yaml = #"""
# Demo pipeline: a week of synthetic flows (with anomalies and some dirt) through every
# stage: generate → ingest → clean → train → score → report.  `swift run floe demo` runs this same file
# (embedded in the binary) into demo-out/. Stages run as `floe STAGE` (the same code as
# floe-STAGE), so `swift run floe demo`, which builds only `floe`, has every stage.
#   floe plan pipelines/demo.yaml
#   floe run pipelines/demo.yaml            # second run: everything skipped
#   floe status pipelines/demo.yaml         # what would run and why
# Paths are relative to the folder floe run is started in.
version: 1

settings:
  timezone: UTC
  internal_networks: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7]

vars:
  data: ${FLOE_DATA:-data/demo}

stages:
  generate:
    run: floe generate
    outputs: "{data}/source/flows.csv.gz"
    params:
      rows: 200000
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
    inputs: "{data}/flows"
    outputs: "{data}/models"
    params:
      dataset: "{inputs}"
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
}
