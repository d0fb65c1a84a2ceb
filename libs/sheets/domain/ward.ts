/**
 * The ward a department belongs to. Sheets name the ward office (東区役所) or the ward (西区) as
 * their 組織名(部), and the ward plan names the ward (東区): both mean the same 区.
 */
export function wardOf(department: string): string {
  return department.trim().replace(/役所$/, '');
}
