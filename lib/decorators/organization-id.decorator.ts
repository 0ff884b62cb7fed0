import { CurrentUser } from './current-user.decorator';

/**
 * The organization the verified token acts for (`user.organizationId`), or `undefined`.
 * Combine with `@RequireOrganization()` to make it required.
 *
 * @example
 * @Get() @RequireOrganization() list(@OrganizationId() organizationId: string) {}
 */
export const OrganizationId = (): ParameterDecorator => CurrentUser('organizationId');
