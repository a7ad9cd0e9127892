import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { EMOTIONS } from '../core/messages';
import { describeSkippedRows, ManifestError, readManifest, type ManifestEntry } from '../core/training/corpus-manifest';
import { qualifySpeakers } from '../core/training/corpus-generalisation';
import { speakerFolds } from '../core/training/speaker-folds';
import type { TrainingOptions } from '../core/training/training-options';
import { CliError, usageError } from './cli-error';

/** The usable rows of a --manifest; skipped rows (unknown emotion, missing file) are summed up on stderr. */
export async function readManifestRows(csv: string, stderr: NodeJS.WritableStream = process.stderr): Promise<ManifestEntry[]> {
  let manifest;
  try {
    manifest = await readManifest(csv);
  } catch (err) {
    if (err instanceof ManifestError) throw new CliError(`--manifest ${err.message}`);
    throw err;
  }
  if (manifest.skippedRows.length > 0) {
    stderr.write(`${csv}: ${describeSkippedRows(manifest.skippedRows)} (${manifest.entries.length} rows used)\n`);
  }
  return manifest.entries;
}

const speakersOf = (entries: ManifestEntry[]) => [...new Set(entries.map((e) => e.speaker))].sort();

/** Training needs two emotions at least; early stopping needs a speaker to hold out. */
export function checkTrainable(csv: string, entries: ManifestEntry[], training: TrainingOptions): void {
  checkEmotions(csv, entries);
  const speakers = speakersOf(entries);
  if (speakers.length === 1 && training.patience > 0 && training.validationShare > 0) {
    throw new CliError(
      `${csv}: all clips are of one speaker (${speakers[0]}), but early stopping (--patience ${training.patience}) validates on clips of ` +
        'held-out speakers: add clips of other speakers, or train with --patience 0',
    );
  }
}

/**
 * Cross-validation by speaker needs k speakers, and babble noise for the noisy copies is made of other
 * speakers of the same fold group (so no test speaker leaks into training): each group needs two.
 */
export function checkCrossValidation(csv: string, entries: ManifestEntry[], training: TrainingOptions, folds: number): void {
  checkEmotions(csv, entries);
  const speakers = speakersOf(entries);
  if (speakers.length < folds) {
    throw usageError(
      `--cv ${folds}: cross-validation by speaker needs at least ${folds} speakers, ${csv} has ${speakers.length} (${speakers.slice(0, 5).join(', ')}` +
        `${speakers.length > 5 ? ', …' : ''}): use --cv ${Math.max(2, speakers.length)} or add speakers`,
    );
  }
  const noise = training.noiseAugmentation;
  if (noise && noise.copies > 0 && noise.kinds.includes('babble')) {
    const groups = speakerFolds(
      entries.map((e) => e.speaker),
      folds,
      training.seed,
    );
    const lonely = groups.filter((idx) => new Set(idx.map((i) => entries[i].speaker)).size < 2).length;
    if (lonely > 0) {
      throw new CliError(
        `${csv}: ${speakers.length} speakers in ${folds} folds leave ${lonely} fold(s) with one speaker, but the babble noise of the noisy ` +
          `copies is made of other speakers of the same fold: use --noise-copies 0, fewer folds, or at least ${2 * folds} speakers`,
      );
    }
  }
}

function checkEmotions(csv: string, entries: ManifestEntry[]): void {
  const present = [...new Set(entries.map((e) => EMOTIONS[e.emotion]))];
  if (present.length < 2) {
    throw new CliError(
      `${csv}: all ${entries.length} usable rows are ${present[0]}: a model learns to tell emotions apart, so it needs clips of at least 2`,
    );
  }
}

/** One corpus of a --manifest list: its name and its usable rows (speaker ids qualified when there are several corpora). */
export interface CorpusRows {
  name: string;
  /** the manifest(s) its rows came from */
  manifests: string[];
  entries: ManifestEntry[];
}

/**
 * Reads every --manifest (each `PATH` or `NAME=PATH`) and groups the rows by corpus: a row's `corpus` column,
 * else the NAME given, else the manifest's name (its folder's name for a file called manifest.csv). With more
 * than one corpus, speaker ids become `corpus/speaker`, so two corpora's "spk1" are never one speaker.
 */
export async function readCorpora(manifestArgs: string[], stderr: NodeJS.WritableStream = process.stderr): Promise<CorpusRows[]> {
  const corpora = new Map<string, CorpusRows>();
  const nameSource = new Map<string, string>();
  for (const arg of manifestArgs) {
    const named = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(arg);
    const csv = named && !existsSync(arg) ? named[2] : arg;
    const given = named && !existsSync(arg) ? named[1] : undefined;
    const fallback = given ?? corpusNameOfManifest(csv);
    for (const entry of await readManifestRows(csv, stderr)) {
      const name = entry.corpus ?? fallback;
      if (!entry.corpus && !given) {
        const other = nameSource.get(name);
        if (other !== undefined && other !== csv) {
          throw usageError(
            `--manifest ${other} and --manifest ${csv} are both called "${name}": name them (--manifest NAME=PATH) or give them a corpus column`,
          );
        }
        nameSource.set(name, csv);
      }
      const corpus = corpora.get(name) ?? { name, manifests: [], entries: [] };
      if (!corpus.manifests.includes(csv)) corpus.manifests.push(csv);
      corpus.entries.push(entry);
      corpora.set(name, corpus);
    }
  }
  const list = [...corpora.values()];
  if (list.length > 1) for (const c of list) c.entries = qualifySpeakers(c.entries, c.name);
  return list;
}

function corpusNameOfManifest(csv: string): string {
  const file = basename(csv).replace(/\.csv$/i, '');
  return file.toLowerCase() === 'manifest' ? basename(dirname(resolve(csv))) : file;
}
