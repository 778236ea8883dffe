<?php
/*
 * Must-use plugin of the contract tests: when the flag file exists, the PHP process dies right
 * after WordPress saved a published post and before it answers, as a web server's worker that
 * crashes or is killed at that moment. The flag works once.
 */
add_action('rest_after_insert_post', function ($post, $request, $creating) {
    $flag = WP_CONTENT_DIR . '/warta-die-after-saving';
    if ($post->post_status === 'publish' && file_exists($flag)) {
        unlink($flag);
        posix_kill(getmypid(), 9);
    }
}, 10, 3);
