export * from './reminders.module';
export * from './application/planner.processor';
export * from './application/planning';
export * from './application/reminder-workers';
export * from './reminder-settings';
