/**
 * The type-only half of the public surface (test/types/public-api-surface.types.ts pins the
 * values at compile time; the compiler cannot enumerate type exports, so its API does it here).
 * A type added to or removed from src/index.ts must be added to or removed from this list.
 */
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PUBLIC_TYPES = [
  'BackendChoice',
  'BackendChoiceInfo',
  'BackendName',
  'BatchingOptions',
  'CacheUsage',
  'CachedModel',
  'CancelOptions',
  'Capabilities',
  'Cohort',
  'DbOptions',
  'Dim',
  'EngineName',
  'ErrorCode',
  'ErrorExplanation',
  'HistogramSnapshot',
  'HostOption',
  'HostReport',
  'LoadOptions',
  'LoadProgress',
  'Manifest',
  'MemoryBudget',
  'MetricsSnapshot',
  'Model',
  'ModelCache',
  'ModelEntry',
  'ModelInfo',
  'ModelMetrics',
  'ModelSpec',
  'Ocr',
  'OcrLine',
  'OcrOptions',
  'OcrResult',
  'OcrStage',
  'OutputAgreementEntry',
  'PixelSource',
  'Precision',
  'PredictOptions',
  'Rgb',
  'RgbaImage',
  'Runtime',
  'RuntimeInfo',
  'RuntimeOptions',
  'SharedHostScope',
  'SharedHostStats',
  'SharedSessionStats',
  'Tensor',
  'TensorData',
  'TensorDtype',
  'TensorMap',
  'TensorSpec',
  'TextBox',
  'VariantAgreement',
  'VariantEntry',
  'VersionEntry',
  'VersionPolicy',
  'WatchdogOptions',
  'WorkerFactory',
];

function typeOnlyExports(entry: string): string[] {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    noResolve: false,
    types: [],
  });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  return checker
    .getExportsOfModule(module)
    .filter((e) => !((e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e).flags & ts.SymbolFlags.Value))
    .map((e) => e.name)
    .sort();
}

describe('public API surface', () => {
  it('exports exactly the listed types (no internal such as ErrorData)', () => {
    expect(typeOnlyExports('src/index.ts')).toEqual([...PUBLIC_TYPES].sort());
  }, 60_000);
});
