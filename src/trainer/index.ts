export { loadBackend, type BackendInfo, type BackendName, type BackendPreference, type SkippedBackend, type Tf } from './backend.js';
export { BACKEND_PREFERENCES, trainerOptions, type TrainerOptions } from './options.js';
export { judgeCandidate, PublishSchedule, type GateDecision, type GateInput, type PublishPolicy } from './publisher.js';
export { Trainer, type BatchReport, type Candidate, type TrainerStats, type TrainRecord } from './trainer.js';
export { AUTO_ROLLBACK_ACTOR, judgeRegression, moveId, moveToJudge, RegressionWatch, type JudgedMove, type PrequentialObserver, type RegressionVerdict, type RegressionWatchOptions } from './regression-watch.js';
