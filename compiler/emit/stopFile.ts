/**
 * The file that asks every training stage to checkpoint after its current step and stop
 * (runtime/worker/align_worker/trainer.py STOP_FILE): on the shared run directory, it reaches the
 * ranks on every node without passing a signal through srun and torchrun. The Slurm target's trap
 * writes it; the orchestrator reads it to tell a requested stop from a failure.
 */
export const STOP_FILE = ".align-checkpoint-and-stop";
