/**
 * A Stryker reporter for mutation runs (stryker.config.json, reporter "survivors"): it appends each
 * mutant that no test killed to `reports/mutation/survivors.jsonl` as soon as it is known, one JSON
 * line each (file, line, column, mutator, replacement, status), so that the gaps of a long run can be
 * studied while it goes on. Stryker's own reports are written only at the end of a run.
 */
const fs = require('node:fs')
const path = require('node:path')
const { PluginKind, declareClassPlugin } = require('@stryker-mutator/api/plugin')

const file = path.resolve('reports', 'mutation', 'survivors.jsonl')

class SurvivorsReporter {
  onDryRunCompleted() {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, '')
  }

  onMutantTested(result) {
    if (result.status !== 'Survived' && result.status !== 'NoCoverage') return
    const { fileName, location, mutatorName, replacement, status } = result
    // Stryker's reporter API counts lines and columns from 1, as its JSON report does
    const { line, column } = location.start
    const entry = {
      file: path.relative(process.cwd(), fileName),
      line,
      column,
      mutatorName,
      replacement,
      status
    }
    fs.appendFileSync(file, `${JSON.stringify(entry)}\n`)
  }
}

module.exports.strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'survivors', SurvivorsReporter)]
