import type { ClassificationMetrics } from '../model/model-metadata';

/** Accuracy, unweighted average recall, per-class recall and the confusion matrix (counts and row percent). */
export function classificationMetrics(truth: number[], predicted: number[], classes: readonly string[]): ClassificationMetrics {
  if (truth.length !== predicted.length) throw new Error('truth and predictions differ in length');
  const k = classes.length;
  const confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    confusion[truth[i]][predicted[i]]++;
    if (truth[i] === predicted[i]) correct++;
  }
  const recall: Record<string, number> = {};
  const confusionPercent = confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((c) => (total > 0 ? (100 * c) / total : 0));
  });
  const present: number[] = [];
  classes.forEach((name, c) => {
    const total = confusion[c].reduce((a, b) => a + b, 0);
    recall[name] = total > 0 ? confusion[c][c] / total : 0;
    if (total > 0) present.push(recall[name]);
  });
  return {
    accuracy: truth.length ? correct / truth.length : 0,
    uar: present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0,
    recall,
    confusionPercent,
    confusion,
    classes: [...classes],
    count: truth.length,
  };
}
