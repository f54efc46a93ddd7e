/** One colour per run, in run order, shared by the charts, their legend and the runs table. */
export const RUN_COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
