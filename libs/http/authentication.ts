import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'shinchoku:public';
/** Routes anyone may call without a token (health checks, metrics); every other route goes through the access guard. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);
